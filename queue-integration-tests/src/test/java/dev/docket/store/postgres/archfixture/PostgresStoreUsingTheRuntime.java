package dev.docket.store.postgres.archfixture;

import dev.docket.runtime.archfixture.RuntimeWorker;

/** A Postgres-store class that starts the runtime, which wires the stores, not the other way. */
public final class PostgresStoreUsingTheRuntime {

  public void start() {
    new RuntimeWorker().start();
  }
}
