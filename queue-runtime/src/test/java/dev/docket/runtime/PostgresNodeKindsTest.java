package dev.docket.runtime;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NodeKindsScenarios} on a real PostgreSQL: each node has its own store (its own pool and
 * LISTEN connection) on one schema, as separate processes would.
 */
class PostgresNodeKindsTest extends NodeKindsScenarios {
  @RegisterExtension
  static final MigratedSchema SCHEMA =
      new MigratedSchema("pg_node_kinds", "jobs", "nodes", "job_history");

  @Override
  DocketRuntime node(RuntimeOptions options, HandlerBinding<?>... handlers) {
    return PostgresRuntimes.runtime(SCHEMA.options().poolSize(4).build(), options, handlers);
  }
}
