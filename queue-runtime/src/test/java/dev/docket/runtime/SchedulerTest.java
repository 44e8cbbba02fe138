package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.ScheduleStates;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Slots, nodes, restarts, outages and catch-up, with a clock the test moves. */
class SchedulerTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final JobRequest REPORT = JobRequest.ofJson("report.daily", "{}").build();

  private final MutableClock clock = MutableClock.at(T0);

  private Scheduler node(JobStorage storage, ScheduleStates states, Schedule... schedules) {
    var client =
        new JobClient(storage, JacksonPayloadCodec.create(), clock, new SplittableRandom(1));
    return new Scheduler(List.of(schedules), states, client);
  }

  private static List<Instant> runAts(JobStorage storage) {
    return storage.list(JobQuery.builder().limit(1000).build()).jobs().stream()
        .map(Job::runAt)
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  private static Schedule everyMinute() {
    return Schedule.every("minutely", Duration.ofMinutes(1), REPORT);
  }

  @Test
  void threeNodes_firingTheSameSlots_makeOneJobPerSlot() {
    MemoryStore store = MemoryStore.start();
    var nodes = new ArrayList<Scheduler>();
    for (int i = 0; i < 3; i++) {
      nodes.add(node(store.storage(), store.scheduleStates(), everyMinute()));
    }

    for (int second = 30; second <= 4 * 60; second += 15) {
      clock.set(T0.plusSeconds(second));
      nodes.forEach(n -> n.tick(clock.instant()));
    }

    assertThat(runAts(store.storage()))
        .containsExactly(
            T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
  }

  @Test
  void restartedNode_neitherRepeatsNorLosesASlot() {
    MemoryStore store = MemoryStore.start();
    clock.set(T0.plusSeconds(61));
    node(store.storage(), store.scheduleStates(), everyMinute()).tick(clock.instant());

    Scheduler restarted = node(store.storage(), store.scheduleStates(), everyMinute());
    restarted.tick(clock.instant());
    clock.set(T0.plusSeconds(125));
    restarted.tick(clock.instant());

    assertThat(runAts(store.storage())).containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));
  }

  @Test
  void afterAnOutage_missedSlotsAreSkipped_unlessTheScheduleCatchesUp() {
    MemoryStore plain = MemoryStore.start();
    MemoryStore catching = MemoryStore.start();
    clock.set(T0.plusSeconds(1));
    node(plain.storage(), plain.scheduleStates(), everyMinute()).tick(clock.instant());
    node(catching.storage(), catching.scheduleStates(), everyMinute().withCatchUp(3))
        .tick(clock.instant());

    clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(5));
    node(plain.storage(), plain.scheduleStates(), everyMinute()).tick(clock.instant());
    node(catching.storage(), catching.scheduleStates(), everyMinute().withCatchUp(3))
        .tick(clock.instant());

    assertThat(runAts(plain.storage())).containsExactly(T0, T0.plus(Duration.ofMinutes(10)));
    assertThat(runAts(catching.storage()))
        .containsExactly(
            T0,
            T0.plus(Duration.ofMinutes(7)),
            T0.plus(Duration.ofMinutes(8)),
            T0.plus(Duration.ofMinutes(9)),
            T0.plus(Duration.ofMinutes(10)));
  }

  @Test
  void disabledSchedule_firesNothing_untilEnabledAgain() {
    MemoryStore store = MemoryStore.start();
    Scheduler node = node(store.storage(), store.scheduleStates(), everyMinute());
    store.scheduleStates().register("minutely");
    store.scheduleStates().setEnabled("minutely", false);

    clock.set(T0.plusSeconds(10));
    node.tick(clock.instant());
    assertThat(runAts(store.storage())).isEmpty();

    store.scheduleStates().setEnabled("minutely", true);
    clock.set(T0.plusSeconds(65));
    node.tick(clock.instant());
    assertThat(runAts(store.storage())).containsExactly(T0.plusSeconds(60));
  }

  @Test
  void reEnabledSchedule_doesNotCatchUpTheSlotsItSkippedWhileDisabled() {
    MemoryStore store = MemoryStore.start();
    Schedule catching = everyMinute().withCatchUp(5);
    Scheduler node = node(store.storage(), store.scheduleStates(), catching);
    clock.set(T0.plusSeconds(5));
    node.tick(clock.instant());
    Scheduler.setEnabled(store.scheduleStates(), "minutely", false, clock.instant());

    clock.set(T0.plus(Duration.ofHours(3)).plusSeconds(5));
    Scheduler.setEnabled(store.scheduleStates(), "minutely", true, clock.instant());
    node.tick(clock.instant());

    assertThat(runAts(store.storage())).containsExactly(T0, T0.plus(Duration.ofHours(3)));
  }

  @Test
  void dailyCron_firesOnce_onTheNightTheClocksGoBack() {
    MemoryStore store = MemoryStore.start();
    var nightly = Schedule.cron("nightly", "30 2 * * *", ZoneId.of("Europe/Berlin"), REPORT);
    Scheduler node = node(store.storage(), store.scheduleStates(), nightly);
    Instant start = Instant.parse("2030-10-26T22:00:00Z"); // clocks go back on 27 October 2030
    clock.set(start);

    for (Instant t = start; t.isBefore(start.plus(Duration.ofHours(30))); t = t.plusSeconds(30)) {
      clock.set(t);
      node.tick(t);
    }

    assertThat(runAts(store.storage()))
        .containsExactly(
            Instant.parse("2030-10-27T00:30:00Z"), Instant.parse("2030-10-28T01:30:00Z"));
  }

  @Test
  void cronSchedule_firesAtItsTimeInItsZone() {
    MemoryStore store = MemoryStore.start();
    var nightly = Schedule.cron("nightly", "0 3 * * *", ZoneId.of("Europe/Berlin"), REPORT);
    clock.set(Instant.parse("2030-01-01T02:00:20Z"));

    node(store.storage(), store.scheduleStates(), nightly).tick(clock.instant());

    assertThat(runAts(store.storage())).containsExactly(Instant.parse("2030-01-01T02:00:00Z"));
    assertThat(Scheduler.nextSlot(nightly, clock.instant()))
        .contains(Instant.parse("2030-01-02T02:00:00Z"));
  }

  @Test
  void aSchedule_knowsTheJobsItMade_forASlotOrByHand_andNoOtherSchedules() {
    MemoryStore store = MemoryStore.start();
    Schedule beat = Schedule.every("beat", Duration.ofMinutes(1), REPORT);
    // Same kind, and a name that starts with the other's and a colon.
    Schedule nested = Schedule.every("beat:2030-01-01T00:01:00Z", Duration.ofMinutes(1), REPORT);
    var client =
        new JobClient(
            store.storage(), JacksonPayloadCodec.create(), clock, new SplittableRandom(1));
    clock.set(T0.plusSeconds(61));
    node(store.storage(), store.scheduleStates(), beat, nested).tick(clock.instant());
    Job byHand = client.submit(REPORT.toBuilder().uniqueKey(beat.handKey(clock.instant())).build());
    Job stranger = client.submit(REPORT);
    Job lookalike =
        client.submit(REPORT.toBuilder().uniqueKey("docket:schedule:beat:soon").build());

    var jobs = store.storage().list(JobQuery.builder().limit(100).build()).jobs();
    Job slotJob =
        jobs.stream()
            .filter(
                j -> j.uniqueKey().orElse("").equals(Scheduler.uniqueKey(beat, T0.plusSeconds(60))))
            .findFirst()
            .orElseThrow();
    Job nestedJob =
        jobs.stream()
            .filter(j -> j.uniqueKey().orElse("").startsWith("docket:schedule:beat:2030"))
            .findFirst()
            .orElseThrow();

    assertThat(beat.slotOf(slotJob)).contains(T0.plusSeconds(60));
    assertThat(beat.ranByHand(slotJob)).isFalse();
    assertThat(beat.slotOf(byHand)).isEmpty();
    assertThat(beat.ranByHand(byHand)).isTrue();
    assertThat(nested.ranByHand(byHand)).isFalse();
    assertThat(beat.slotOf(nestedJob)).isEmpty();
    assertThat(nested.slotOf(nestedJob)).contains(T0.plusSeconds(60));
    for (Job other : List.of(stranger, lookalike)) {
      assertThat(beat.slotOf(other)).isEmpty();
      assertThat(beat.ranByHand(other)).isFalse();
    }
  }

  @Test
  void badSchedules_areRefusedWithClearMessages() {
    assertThatThrownBy(() -> Schedule.cron("x", "61 * * * *", ZoneId.of("UTC"), REPORT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cron expression '61 * * * *' is invalid");
    assertThatThrownBy(
            () ->
                Schedule.every(
                    "x",
                    Duration.ofMinutes(1),
                    JobRequest.ofJson("k", "{}").delay(Duration.ofSeconds(5)).build()))
        .hasMessageContaining("the schedule sets those");
    assertThatThrownBy(() -> Schedule.every("x", Duration.ofMillis(10), REPORT))
        .hasMessageContaining("Interval PT0.01S is out of range");
  }

  @Test
  void threeNodesOnPostgres_makeOneJobPerSlot_acrossARestart() {
    TestDatabase db = TestDatabase.get();
    String schema = db.freshSchema("cron");
    var stores = new ArrayList<PostgresStore>();
    try {
      var nodes = new ArrayList<Scheduler>();
      for (int i = 0; i < 3; i++) {
        PostgresStore store =
            PostgresStore.start(db.options(schema).listen(false).poolSize(2).build());
        stores.add(store);
        nodes.add(node(store.storage(), store.scheduleStates(), everyMinute()));
      }
      for (int second = 30; second <= 150; second += 20) {
        clock.set(T0.plusSeconds(second));
        nodes.forEach(n -> n.tick(clock.instant()));
      }
      stores.get(0).close();
      PostgresStore restarted =
          PostgresStore.start(db.options(schema).listen(false).poolSize(2).build());
      stores.add(restarted);
      nodes.set(0, node(restarted.storage(), restarted.scheduleStates(), everyMinute()));
      for (int second = 150; second <= 250; second += 20) {
        clock.set(T0.plusSeconds(second));
        nodes.forEach(n -> n.tick(clock.instant()));
      }

      assertThat(runAts(restarted.storage()))
          .containsExactly(
              T0,
              T0.plusSeconds(60),
              T0.plusSeconds(120),
              T0.plusSeconds(180),
              T0.plusSeconds(240));
    } finally {
      stores.forEach(PostgresStore::close);
      db.dropSchema(schema);
    }
  }
}
