package dev.docket.cli.archfixture;

import org.jdbi.v3.core.Jdbi;

/** A CLI command that reads the jobs table through JDBI instead of a store's public API. */
public final class CommandUsingJdbi {

  public long pending(Jdbi jdbi) {
    return jdbi.withHandle(
        handle -> handle.createQuery("select count(*) from jobs").mapTo(Long.class).one());
  }
}
