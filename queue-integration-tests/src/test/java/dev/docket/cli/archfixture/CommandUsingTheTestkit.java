package dev.docket.cli.archfixture;

import dev.docket.testkit.archfixture.ContractUsingAStore;

/** A CLI command that uses the testkit, a test library no application ships. */
public final class CommandUsingTheTestkit {

  public Object contract() {
    return new ContractUsingAStore();
  }
}
