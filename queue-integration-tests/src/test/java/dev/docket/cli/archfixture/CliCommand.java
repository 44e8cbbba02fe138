package dev.docket.cli.archfixture;

/** A stand-in CLI class, the target of forbidden dependencies. */
public final class CliCommand {

  public void run() {}
}
