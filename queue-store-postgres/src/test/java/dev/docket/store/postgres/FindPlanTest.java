package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.JobQuery;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payload filter is written as the opt-in GIN index's expression (docs/postgres.md), so an
 * operator who creates that index gets it used, with no change to Docket. If the filter's SQL and
 * the documented index drifted apart, PostgreSQL could only scan the table.
 */
class FindPlanTest {
  private static final String INDEX =
      "CREATE INDEX jobs_payload_idx ON \"%s\".jobs USING gin ((payload::jsonb) jsonb_path_ops)";

  private static PgFixture pg;

  @BeforeAll
  static void start() {
    pg = new PgFixture("find_plan");
    for (int i = 0; i < 200; i++) {
      pg.client.submit(
          JobRequest.ofJson("k", "{\"customer\": {\"id\": %d}, \"n\": [%d]}".formatted(i, i % 7))
              .queue("find")
              .build());
    }
    PgFixture.DB.execute(INDEX.formatted(pg.schema));
    PgFixture.DB.execute("ANALYZE \"%s\".jobs".formatted(pg.schema));
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void aPayloadFilter_usesTheDocumentedGinIndex_whenAnOperatorCreatedIt() {
    var query = JobQuery.builder().payloadContains("{\"customer\": {\"id\": 42}}").build();

    String plan = explain(query);

    assertThat(plan).contains("Bitmap Index Scan on jobs_payload_idx");
    assertThat(pg.store.storage().list(query).jobs()).hasSize(1);
  }

  @Test
  void aPayloadFilter_withOtherFilters_stillUsesTheIndex() {
    var query =
        JobQuery.builder()
            .payloadContains("{\"n\": [3]}")
            .queue("find")
            .kind("k")
            .limit(10)
            .build();

    String plan = explain(query);

    assertThat(plan).contains("Bitmap Index Scan on jobs_payload_idx");
    assertThat(pg.store.storage().count(query, 1_000)).isEqualTo(29);
  }

  /**
   * The plan of the store's own list statement, with the plans that would avoid the index ruled
   * out: on a table this small, reading it through the primary key is cheaper than any index, so
   * only a bitmap scan is left to choose, and it needs an index whose expression matches.
   */
  private static String explain(JobQuery query) {
    var storage = (PostgresJobStorage) pg.store.storage();
    var jdbi = Jdbi.create(PgFixture.DB.url, PgFixture.DB.user, PgFixture.DB.password);
    return jdbi.withHandle(
        h -> {
          h.execute("SET enable_seqscan = off");
          h.execute("SET enable_indexscan = off");
          var q = h.createQuery("EXPLAIN " + storage.listText(query)).bind("limit", 11);
          PostgresJobStorage.bindFilters(query, q);
          return String.join("\n", q.mapTo(String.class).list());
        });
  }
}
