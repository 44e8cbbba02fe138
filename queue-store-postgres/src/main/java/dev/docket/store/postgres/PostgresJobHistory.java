package dev.docket.store.postgres;

import dev.docket.usecase.port.DurationHistogram;
import dev.docket.usecase.port.HistoryTally;
import dev.docket.usecase.port.JobHistory;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * The history of attempts in the {@code job_history} table. Nodes add at the same time, so each add
 * upserts its rows in one order (bucket, queue, kind): two nodes adding to the same rows then wait
 * for each other instead of deadlocking.
 */
final class PostgresJobHistory implements JobHistory {
  private static final String COLUMNS =
      "bucket, queue, kind, completed, retried, dead, cancelled, rescued, waits, runs";

  private final Jdbi jdbi;
  private final String add;
  private final String read;
  private final String purge;

  PostgresJobHistory(Jdbi jdbi, String schema) {
    this.jdbi = jdbi;
    String table = "\"" + PostgresOptions.requireSchema(schema) + "\".job_history";
    add =
        ("INSERT INTO %s AS h (resolution, %s)"
                + " SELECT :resolution, u.bucket, u.queue, u.kind, u.completed, u.retried, u.dead,"
                + " u.cancelled, u.rescued, u.waits::bigint[], u.runs::bigint[]"
                + " FROM unnest(:buckets::timestamptz[], :queues::text[], :kinds::text[],"
                + " :completed::bigint[], :retried::bigint[], :dead::bigint[],"
                + " :cancelled::bigint[], :rescued::bigint[], :waits::text[], :runs::text[])"
                + " WITH ORDINALITY AS u(%s, n) ORDER BY u.n"
                + " ON CONFLICT (resolution, bucket, queue, kind) DO UPDATE SET"
                + " completed = h.completed + excluded.completed,"
                + " retried = h.retried + excluded.retried, dead = h.dead + excluded.dead,"
                + " cancelled = h.cancelled + excluded.cancelled,"
                + " rescued = h.rescued + excluded.rescued,"
                + " waits = %s, runs = %s")
            .formatted(
                table,
                COLUMNS,
                COLUMNS,
                sum("h.waits", "excluded.waits"),
                sum("h.runs", "excluded.runs"));
    read =
        ("SELECT %s FROM %s WHERE resolution = :resolution AND bucket >= :from AND bucket < :to"
                + " AND (CAST(:queue AS text) IS NULL OR queue = :queue)"
                + " AND (CAST(:kind AS text) IS NULL OR kind = :kind)"
                + " ORDER BY bucket, queue COLLATE \"C\", kind COLLATE \"C\"")
            .formatted(COLUMNS, table);
    purge = "DELETE FROM %s WHERE resolution = :resolution AND bucket < :before".formatted(table);
  }

  /** Two arrays added element by element, the shorter one padded with zeros. */
  private static String sum(String a, String b) {
    return ("(SELECT COALESCE(array_agg(COALESCE(x, 0) + COALESCE(y, 0) ORDER BY i), '{}')"
            + " FROM unnest(%s, %s) WITH ORDINALITY AS s(x, y, i))")
        .formatted(a, b);
  }

  @Override
  public void add(Resolution resolution, List<HistoryTally> tallies) {
    JobHistory.requireBuckets(resolution, tallies);
    if (tallies.isEmpty()) {
      return;
    }
    var sorted = new ArrayList<>(tallies);
    // Java's order of strings is the "C" collation's: the order the rows are locked in.
    sorted.sort(
        Comparator.comparing(HistoryTally::bucket)
            .thenComparing(HistoryTally::queue)
            .thenComparing(HistoryTally::kind));
    Failures.translate(
        "add to the history of attempts",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(add)
                        .bind("resolution", (int) resolution.width().toSeconds())
                        .bindArray(
                            "buckets",
                            String.class,
                            map(sorted, t -> JobRows.timestamp(t.bucket())))
                        .bindArray("queues", String.class, map(sorted, HistoryTally::queue))
                        .bindArray("kinds", String.class, map(sorted, HistoryTally::kind))
                        .bindArray("completed", Long.class, map(sorted, HistoryTally::completed))
                        .bindArray("retried", Long.class, map(sorted, HistoryTally::retried))
                        .bindArray("dead", Long.class, map(sorted, HistoryTally::dead))
                        .bindArray("cancelled", Long.class, map(sorted, HistoryTally::cancelled))
                        .bindArray("rescued", Long.class, map(sorted, HistoryTally::rescued))
                        .bindArray("waits", String.class, map(sorted, t -> literal(t.waits())))
                        .bindArray("runs", String.class, map(sorted, t -> literal(t.runs())))
                        .execute()));
  }

  @Override
  public List<HistoryTally> read(
      Resolution resolution,
      Instant from,
      Instant to,
      Optional<String> queue,
      Optional<String> kind) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return Failures.translate(
        "read the history of attempts",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(read)
                        .bind("resolution", (int) resolution.width().toSeconds())
                        .bind("from", JobRows.offset(from))
                        .bind("to", JobRows.offset(to))
                        .bind("queue", queue.orElse(null))
                        .bind("kind", kind.orElse(null))
                        .map((rs, ctx) -> tally(rs))
                        .list()));
  }

  @Override
  public int purge(Instant now) {
    Objects.requireNonNull(now, "now");
    return Failures.translate(
        "purge the history of attempts",
        () ->
            Transactions.autocommit(
                jdbi,
                h -> {
                  int purged = 0;
                  for (Resolution resolution : Resolution.values()) {
                    purged +=
                        h.createUpdate(purge)
                            .bind("resolution", (int) resolution.width().toSeconds())
                            .bind("before", JobRows.offset(now.minus(resolution.retention())))
                            .execute();
                  }
                  return purged;
                }));
  }

  private static HistoryTally tally(ResultSet rs) throws SQLException {
    return new HistoryTally(
        rs.getObject("bucket", OffsetDateTime.class).toInstant(),
        rs.getString("queue"),
        rs.getString("kind"),
        rs.getLong("completed"),
        rs.getLong("retried"),
        rs.getLong("dead"),
        rs.getLong("cancelled"),
        rs.getLong("rescued"),
        histogram(rs.getArray("waits")),
        histogram(rs.getArray("runs")));
  }

  private static DurationHistogram histogram(Array array) throws SQLException {
    Long[] counts = (Long[]) array.getArray();
    long[] values = new long[Math.min(counts.length, DurationHistogram.BUCKETS)];
    for (int i = 0; i < values.length; i++) {
      values[i] = counts[i] == null ? 0 : counts[i];
    }
    return DurationHistogram.of(values);
  }

  private static String literal(DurationHistogram histogram) {
    var out = new StringJoiner(",", "{", "}");
    for (long count : histogram.counts()) {
      out.add(Long.toString(count));
    }
    return out.toString();
  }

  private static <T, R> List<R> map(List<T> values, Function<T, R> f) {
    var out = new ArrayList<R>(values.size());
    for (T value : values) {
      out.add(f.apply(value));
    }
    return out;
  }
}
