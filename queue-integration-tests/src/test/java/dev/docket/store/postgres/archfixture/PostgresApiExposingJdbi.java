package dev.docket.store.postgres.archfixture;

import dev.docket.domain.Job;
import java.sql.ResultSet;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A public Postgres-store type whose API hands out JDBI and JDBC types. Only PostgresStore's
 * enqueue and the options builder's dataSource may take such a type; this class's methods of the
 * same names and parameters are reported all the same.
 */
public abstract class PostgresApiExposingJdbi {

  public abstract Jdbi jdbi();

  public abstract ResultSet rows(String queue);

  public abstract List<Job> enqueue(Handle handle, List<Job> jobs);

  public abstract PostgresApiExposingJdbi dataSource(DataSource dataSource);
}
