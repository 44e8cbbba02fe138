package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A schedule's history: its page {@code /schedules/{name}} and {@code GET /api/schedules/{name}}
 * and {@code /runs}, with a schedule firing every second, one on a monthly cron, and jobs of the
 * same kind and queue that no schedule made.
 */
class DashboardSchedulesTest {
  record Beat(String from) {}

  static final JobType<Beat> BEAT = JobType.of("demo.beat", Beat.class);

  private static HttpFixture docket;

  @BeforeAll
  static void start() {
    docket =
        HttpFixture.start(
            RuntimeOptions.builder().queue("beats", 2).pollInterval(Duration.ofMillis(50)).build(),
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(HandlerBinding.of(BEAT, (p, c) -> {}));
                var schedules = DocketModule.schedules(binder());
                schedules
                    .addBinding()
                    .toInstance(
                        Schedule.every(
                            "beat",
                            Duration.ofSeconds(1),
                            JobRequest.of(BEAT, new Beat("schedule")).queue("beats").build()));
                // Same kind and queue, and a name that starts with the other's and a colon.
                schedules
                    .addBinding()
                    .toInstance(
                        Schedule.cron(
                            "beat:monthly",
                            "0 6 1 * *",
                            ZoneOffset.UTC,
                            JobRequest.of(BEAT, new Beat("monthly")).queue("beats").build()));
              }
            });
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  private static List<JsonNode> runs(String name) {
    var response = docket.get("/api/schedules/" + name + "/runs");
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    var runs = new ArrayList<JsonNode>();
    response.json().forEach(runs::add);
    return runs;
  }

  @Test
  void schedulePage_showsTheWords_theNextFiveSlots_andRecentRunsByHandAndBySlot_withLinks() {
    String byHand = docket.post("/api/schedules/beat/run").json().path("id").asText();
    String stranger =
        docket.enqueue("{\"kind\": \"demo.beat\", \"queue\": \"beats\"}").path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                runs("beat").stream()
                        .anyMatch(
                            run ->
                                !run.path("slot").isNull()
                                    && run.path("job").path("state").asText().equals("completed"))
                    && docket.state(byHand).equals("completed"));

    var response = docket.get("/schedules/beat");

    assertThat(response.status()).isEqualTo(200);
    String page = response.body();
    assertThat(page).contains("<dd id=\"schedule-words\">every 1 s</dd>");
    assertThat(Pattern.compile("<li class=\"next-slot\">").matcher(page).results().count())
        .isEqualTo(5);
    assertThat(row(page, byHand))
        .contains("<a href=\"/jobs/" + byHand + "\">")
        .contains("by hand")
        .contains("state-completed");
    String slotJob =
        runs("beat").stream()
            .filter(run -> !run.path("slot").isNull())
            .filter(run -> run.path("job").path("state").asText().equals("completed"))
            .findFirst()
            .orElseThrow()
            .path("job")
            .path("id")
            .asText();
    assertThat(row(page, slotJob))
        .contains("<a href=\"/jobs/" + slotJob + "\">")
        .contains(">slot</td>")
        .contains("state-completed");
    assertThat(page).doesNotContain("data-job=\"" + stranger + "\"");
  }

  @Test
  void runs_holdOnlyTheSchedulesJobs_newestFirst_withTheSlotOrNullForARunByHand() {
    String byHand = docket.post("/api/schedules/beat/run").json().path("id").asText();
    String otherSchedules =
        docket.post("/api/schedules/beat:monthly/run").json().path("id").asText();
    String stranger =
        docket.enqueue("{\"kind\": \"demo.beat\", \"queue\": \"beats\"}").path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> runs("beat").stream().anyMatch(run -> !run.path("slot").isNull()));

    List<JsonNode> runs = runs("beat");

    var ids = runs.stream().map(run -> run.path("job").path("id").asText()).toList();
    assertThat(ids).contains(byHand).doesNotContain(otherSchedules, stranger);
    assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(runs.size()).isLessThanOrEqualTo(ApiRoutes.RECENT_RUNS);
    assertThat(runs)
        .filteredOn(run -> run.path("job").path("id").asText().equals(byHand))
        .singleElement()
        .satisfies(run -> assertThat(run.path("slot").isNull()).isTrue());
    for (JsonNode run : runs) {
      String key = run.path("job").path("uniqueKey").asText();
      if (run.path("slot").isNull()) {
        assertThat(key).startsWith("docket:schedule:beat, run now at ");
      } else {
        assertThat(key).isEqualTo("docket:schedule:beat:" + run.path("slot").asText());
      }
    }
    assertThat(runs("beat:monthly"))
        .extracting(run -> run.path("job").path("id").asText())
        .containsExactly(otherSchedules);
    assertThat(docket.get("/api/schedules/nope/runs").status()).isEqualTo(404);
  }

  @Test
  void aJobPage_linksToTheScheduleThatMadeIt_byHandOrBySlot_evenWithAColonInItsName() {
    String byHand = docket.post("/api/schedules/beat:monthly/run").json().path("id").asText();
    String stranger =
        docket.enqueue("{\"kind\": \"demo.beat\", \"queue\": \"beats\"}").path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> runs("beat").stream().anyMatch(run -> !run.path("slot").isNull()));
    String slotJob =
        runs("beat").stream()
            .filter(run -> !run.path("slot").isNull())
            .findFirst()
            .orElseThrow()
            .path("job")
            .path("id")
            .asText();

    String byHandPage = docket.get("/jobs/" + byHand).body();
    String slotPage = docket.get("/jobs/" + slotJob).body();

    assertThat(byHandPage)
        .contains("<a id=\"job-schedule\" href=\"/schedules/beat%3Amonthly\">beat:monthly</a>");
    assertThat(slotPage).contains("<a id=\"job-schedule\" href=\"/schedules/beat\">beat</a>");
    assertThat(docket.get("/schedules/beat%3Amonthly").status()).isEqualTo(200);
    assertThat(docket.get("/jobs/" + stranger).body()).doesNotContain("job-schedule");
  }

  @Test
  void aCronSchedule_isDescribedInWords_withItsNextFiveSlots() {
    JsonNode schedule = docket.get("/api/schedules/beat:monthly").json();

    assertThat(schedule.path("trigger").asText()).isEqualTo("cron 0 6 1 * * Z");
    assertThat(schedule.path("description").asText())
        .isEqualTo("at 06:00 UTC on day 1 of every month");
    var slots = new ArrayList<Instant>();
    schedule.path("nextSlots").forEach(slot -> slots.add(Instant.parse(slot.asText())));
    assertThat(slots).hasSize(5).isSorted().doesNotHaveDuplicates();
    assertThat(slots.getFirst()).isEqualTo(Instant.parse(schedule.path("nextSlot").asText()));
    for (Instant slot : slots) {
      ZonedDateTime at = slot.atZone(ZoneOffset.UTC);
      assertThat(at.getDayOfMonth()).isEqualTo(1);
      assertThat(at.getHour()).isEqualTo(6);
      assertThat(at.getMinute()).isZero();
    }
    assertThat(slots.getLast()).isBefore(slots.getFirst().plus(Duration.ofDays(5 * 31)));
  }

  @Test
  void aDisabledSchedule_hasNoNextSlots_andItsPageSaysSo() {
    try {
      assertThat(docket.post("/api/schedules/beat:monthly/disable").status()).isEqualTo(200);

      assertThat(docket.get("/api/schedules/beat:monthly").json().path("nextSlots")).isEmpty();
      String page = docket.get("/schedules/beat:monthly").body();
      assertThat(page).doesNotContain("<li class=\"next-slot\">").contains("Disabled: no slot");
    } finally {
      docket.post("/api/schedules/beat:monthly/enable");
    }
  }

  @Test
  void theSchedulesList_linksEachNameToItsPage_andShowsTheWords() {
    String page = docket.get("/schedules").body();

    assertThat(page)
        .contains("<a href=\"/schedules/beat\">beat</a>")
        .contains("<a href=\"/schedules/beat:monthly\">beat:monthly</a>")
        .contains("at 06:00 UTC on day 1 of every month");
    var missing = docket.get("/schedules/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("There is no schedule");
  }

  /** The row of job {@code id} on a page, or fails. */
  private static String row(String page, String id) {
    Matcher matcher =
        Pattern.compile("<tr data-job=\"" + Pattern.quote(id) + "\"(.*?)</tr>", Pattern.DOTALL)
            .matcher(page);
    assertThat(matcher.find()).as("a row for job %s", id).isTrue();
    return matcher.group(1);
  }
}
