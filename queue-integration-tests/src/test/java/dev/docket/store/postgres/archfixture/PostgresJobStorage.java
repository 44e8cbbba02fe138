package dev.docket.store.postgres.archfixture;

/**
 * A stand-in class of a second store, which has no declared allow-list, and the target of
 * dependencies that no other store may have.
 */
public final class PostgresJobStorage {

  public void connect() {}
}
