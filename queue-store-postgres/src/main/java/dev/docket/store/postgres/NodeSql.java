package dev.docket.store.postgres;

/**
 * The statements of the node registry, written once per schema. Kept apart from {@link Sql}, which
 * holds the jobs' statements; the same rules hold: values are bind parameters, and the schema, the
 * only name spliced in, is validated and quoted.
 */
final class NodeSql {
  private static final String COLUMNS =
      "name, host, version, started_at, last_seen, queues, concurrency, kinds, busy";

  final String beat;
  final String seenSince;
  final String remove;
  final String expire;

  NodeSql(String schema) {
    String nodes = "\"" + PostgresOptions.requireSchema(schema) + "\".nodes";
    // The latest beat wins: an older one that arrives late changes nothing.
    beat =
        ("INSERT INTO %s (%s) VALUES (:name, :host, :version, :startedAt, :lastSeen, :queues,"
                + " :concurrency, :kinds, :busy)"
                + " ON CONFLICT (name) DO UPDATE SET host = EXCLUDED.host,"
                + " version = EXCLUDED.version, started_at = EXCLUDED.started_at,"
                + " last_seen = EXCLUDED.last_seen, queues = EXCLUDED.queues,"
                + " concurrency = EXCLUDED.concurrency, kinds = EXCLUDED.kinds,"
                + " busy = EXCLUDED.busy"
                + " WHERE %s.last_seen <= EXCLUDED.last_seen")
            .formatted(nodes, COLUMNS, nodes);
    seenSince =
        "SELECT %s FROM %s WHERE last_seen >= :since ORDER BY name".formatted(COLUMNS, nodes);
    remove = "DELETE FROM %s WHERE name = :name".formatted(nodes);
    expire = "DELETE FROM %s WHERE last_seen < :cutoff".formatted(nodes);
  }
}
