package dev.docket.store.postgres;

import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.NodeRegistry;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The node registry in the {@code nodes} table, one row per node, each operation one statement. The
 * queues are three arrays of the same length, names, concurrency and busy handlers, in the same
 * order; a row an older node wrote has no busy handlers, read as none busy.
 */
final class PostgresNodeRegistry implements NodeRegistry {
  private final Jdbi jdbi;
  private final NodeSql sql;

  PostgresNodeRegistry(Jdbi jdbi, NodeSql sql) {
    this.jdbi = jdbi;
    this.sql = sql;
  }

  @Override
  public void beat(Node node) {
    Objects.requireNonNull(node, "node");
    String[] queues = node.queues().keySet().toArray(String[]::new);
    Integer[] concurrency = node.queues().values().toArray(Integer[]::new);
    // The same order as the queues: both maps are sorted by queue and have the same keys.
    Integer[] busy = node.busy().values().toArray(Integer[]::new);
    Failures.translate(
        "record node " + node.name(),
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.beat)
                        .bind("name", node.name())
                        .bind("host", node.host())
                        .bind("version", node.version().orElse(null))
                        .bind("startedAt", JobRows.offset(node.startedAt()))
                        .bind("lastSeen", JobRows.offset(node.lastSeen()))
                        .bindArray("queues", String.class, (Object[]) queues)
                        .bindArray("concurrency", Integer.class, (Object[]) concurrency)
                        .bindArray("kinds", String.class, node.kinds().toArray())
                        .bindArray("busy", Integer.class, (Object[]) busy)
                        .execute()));
  }

  @Override
  public List<Node> seenSince(Instant since) {
    Objects.requireNonNull(since, "since");
    return Failures.translate(
        "list nodes",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(sql.seenSince)
                        .bind("since", JobRows.offset(since))
                        .map((rs, ctx) -> node(rs))
                        .list()));
  }

  @Override
  public void remove(String name) {
    Objects.requireNonNull(name, "name");
    Failures.translate(
        "remove node " + name,
        () ->
            Transactions.autocommit(
                jdbi, h -> h.createUpdate(sql.remove).bind("name", name).execute()));
  }

  @Override
  public int expire(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    return Failures.translate(
        "forget silent nodes",
        () ->
            Transactions.autocommit(
                jdbi,
                h -> h.createUpdate(sql.expire).bind("cutoff", JobRows.offset(cutoff)).execute()));
  }

  private static Node node(ResultSet rs) throws SQLException {
    String[] names = strings(rs.getArray("queues"));
    Integer[] concurrency = (Integer[]) rs.getArray("concurrency").getArray();
    Integer[] handlers = (Integer[]) rs.getArray("busy").getArray();
    var queues = new LinkedHashMap<String, Integer>();
    var busy = new LinkedHashMap<String, Integer>();
    for (int i = 0; i < names.length; i++) {
      queues.put(names[i], concurrency[i]);
      if (i < handlers.length) {
        busy.put(names[i], handlers[i]);
      }
    }
    return new Node(
        rs.getString("name"),
        rs.getString("host"),
        rs.getObject("started_at", OffsetDateTime.class).toInstant(),
        rs.getObject("last_seen", OffsetDateTime.class).toInstant(),
        queues,
        Set.of(strings(rs.getArray("kinds"))),
        Optional.ofNullable(rs.getString("version")),
        busy);
  }

  private static String[] strings(Array array) throws SQLException {
    return (String[]) array.getArray();
  }
}
