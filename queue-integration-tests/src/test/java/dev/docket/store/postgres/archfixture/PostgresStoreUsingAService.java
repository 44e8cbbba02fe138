package dev.docket.store.postgres.archfixture;

import dev.docket.usecase.archfixture.FixtureService;

/** A Postgres-store class that calls a use-case service: a store sees only the port. */
public final class PostgresStoreUsingAService {

  public void delegate(FixtureService service) {
    service.run();
  }
}
