package dev.docket.store.postgres.archfixture;

/**
 * A public helper of the Postgres store: only PostgresStore and PostgresOptions are its API, so a
 * row mapper like this one must be package-private.
 */
public final class PublicRowMapper {

  public String column() {
    return "state";
  }
}
