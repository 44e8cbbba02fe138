package dev.docket.testkit.archfixture;

import dev.docket.store.postgres.archfixture.PostgresJobStorage;

/** A contract-suite class that knows a concrete store, though every store must run it. */
public final class ContractUsingAStore {

  public Object store() {
    return PostgresJobStorage.class;
  }
}
