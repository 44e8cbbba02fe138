package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.LeaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Outcomes and lease extensions find their jobs by primary key whatever the statistics say. After
 * an ANALYZE that saw no running job, the planner took {@code jobs_running_idx} for the row a
 * fenced lookup wants, and then scanned every running job once per outcome: behind a backlog of
 * 500,000 scheduled jobs a report of 700 outcomes took 450 ms, and the drain fell to a fifth.
 */
class ReportPlanTest {
  private static final int RUNNING = 1_000;

  @Test
  void reportsAndExtensions_lookTheirJobsUpByPrimaryKey_afterAnAnalyzeThatSawNoRunningJob()
      throws Exception {
    try (var pg = new PgFixture("report_plan")) {
      var storage = pg.store.storage();
      storage.insert(pg.prepare(3 * RUNNING, "plan"));
      PgFixture.DB.execute("ANALYZE \"%s\".jobs".formatted(pg.schema));
      List<Job> claimed =
          storage.claim(
              new ClaimRequest("plan", RUNNING, "w", Duration.ofMinutes(1), pg.clock.instant()));
      assertThat(claimed).hasSize(RUNNING);

      var sql = new Sql(pg.schema);
      UUID[] ids = claimed.stream().map(j -> j.id().value()).toArray(UUID[]::new);
      Long[] fences =
          claimed.stream().map(j -> j.lease().orElseThrow().fence()).toArray(Long[]::new);
      String[] ats = new String[RUNNING];
      java.util.Arrays.fill(ats, JobRows.timestamp(pg.clock.instant()));
      var jdbi = Jdbi.create(PgFixture.DB.url, PgFixture.DB.user, PgFixture.DB.password);

      String report =
          explain(
              jdbi,
              sql.complete,
              Map.of(
                  "ids",
                  new Binding(UUID.class, ids),
                  "fences",
                  new Binding(Long.class, fences),
                  "ats",
                  new Binding(String.class, ats),
                  "results",
                  new Binding(String.class, new String[RUNNING])));
      String extend =
          explain(
              jdbi,
              sql.extend,
              Map.of(
                  "ids",
                  new Binding(UUID.class, ids),
                  "fences",
                  new Binding(Long.class, fences),
                  "expires",
                  new Binding(String.class, ats),
                  "ats",
                  new Binding(String.class, ats)));

      for (String plan : List.of(report, extend)) {
        assertThat(plan).as("the plan").contains("jobs_pkey").doesNotContain("jobs_running_idx");
      }
      Instant later = pg.clock.instant();
      var extensions =
          claimed.stream()
              .map(
                  j ->
                      new LeaseExtension(
                          j.id(), j.lease().orElseThrow().fence(), later.plusSeconds(90), later))
              .toList();
      assertThat(storage.extendLeases(extensions))
          .as("extensions of leases still held")
          .allSatisfy(status -> assertThat(status.held()).isTrue());
      var outcomes =
          claimed.stream()
              .map(
                  j ->
                      (Outcome)
                          new Outcome.Completed(j.id(), j.lease().orElseThrow().fence(), later))
              .toList();
      assertThat(storage.report(outcomes)).as("refused outcomes").isEmpty();
      assertThat(storage.report(outcomes))
          .as("the same outcomes again, whose jobs no longer run under those fences")
          .hasSize(RUNNING);
    }
  }

  private record Binding(Class<?> type, Object[] values) {}

  private static String explain(Jdbi jdbi, String statement, Map<String, Binding> arrays) {
    return jdbi.withHandle(
        h -> {
          var query = h.createQuery("EXPLAIN " + statement);
          arrays.forEach(
              (name, binding) -> query.bindArray(name, binding.type(), binding.values()));
          return String.join("\n", query.mapTo(String.class).list());
        });
  }
}
