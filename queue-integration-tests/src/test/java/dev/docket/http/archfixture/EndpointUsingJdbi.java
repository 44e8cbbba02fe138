package dev.docket.http.archfixture;

import org.jdbi.v3.core.Jdbi;

/** An HTTP class that queries the database through JDBI instead of the runtime's client. */
public final class EndpointUsingJdbi {

  public long pending(Jdbi jdbi) {
    return jdbi.withHandle(
        handle -> handle.createQuery("select count(*) from jobs").mapTo(Long.class).one());
  }
}
