package dev.docket.http.archfixture;

import dev.docket.cli.archfixture.CliCommand;

/** An HTTP class that runs a CLI command: the CLI starts the server, not the other way round. */
public final class EndpointUsingTheCli {

  public void handle() {
    new CliCommand().run();
  }
}
