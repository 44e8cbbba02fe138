package dev.docket.store.postgres;

import dev.docket.usecase.port.AuditEntry;
import dev.docket.usecase.port.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit log in the {@code audit_log} table, each operation one statement. Its statements live
 * here, not in {@link Sql}: the schema, the only name spliced in, is validated and quoted.
 */
final class PostgresAuditLog implements AuditLog {
  private static final String COLUMNS = "id, at, actor, action, target, status";

  private final Jdbi jdbi;
  private final String record;
  private final String list;
  private final String purge;

  PostgresAuditLog(Jdbi jdbi, String schema) {
    this.jdbi = jdbi;
    String table = "\"" + PostgresOptions.requireSchema(schema) + "\".audit_log";
    record =
        ("INSERT INTO %s (at, actor, action, target, status)"
                + " VALUES (:at, :actor, :action, :target, :status) RETURNING id")
            .formatted(table);
    list =
        "SELECT %s FROM %s WHERE id < :before ORDER BY id DESC LIMIT :limit"
            .formatted(COLUMNS, table);
    purge = "DELETE FROM %s WHERE at < :cutoff".formatted(table);
  }

  @Override
  public AuditEntry record(AuditEntry entry) {
    Objects.requireNonNull(entry, "entry");
    long id =
        Failures.translate(
            "record an audit entry",
            () ->
                Transactions.autocommit(
                    jdbi,
                    h ->
                        h.createQuery(record)
                            .bind("at", JobRows.offset(entry.at()))
                            .bind("actor", entry.actor())
                            .bind("action", entry.action())
                            .bind("target", entry.target())
                            .bind("status", entry.status())
                            .mapTo(Long.class)
                            .one()));
    return entry.withId(id);
  }

  @Override
  public List<AuditEntry> list(int limit, long before) {
    AuditLog.requireLimit(limit);
    return Failures.translate(
        "list audit entries",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(list)
                        .bind("before", before)
                        .bind("limit", limit)
                        .map((rs, ctx) -> entry(rs))
                        .list()));
  }

  @Override
  public int purge(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    return Failures.translate(
        "purge audit entries",
        () ->
            Transactions.autocommit(
                jdbi, h -> h.createUpdate(purge).bind("cutoff", JobRows.offset(cutoff)).execute()));
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong("id"),
        rs.getObject("at", OffsetDateTime.class).toInstant(),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("target"),
        rs.getInt("status"));
  }
}
