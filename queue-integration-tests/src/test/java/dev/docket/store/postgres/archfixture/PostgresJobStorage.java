package dev.docket.store.postgres.archfixture;

/** A stand-in class of the Postgres store, the target of dependencies no other store may have. */
public final class PostgresJobStorage {

  public void connect() {}
}
