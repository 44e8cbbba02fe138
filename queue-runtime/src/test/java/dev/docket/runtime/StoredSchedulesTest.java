package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.memory.MemoryStore;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The schedules as the store keeps them, for tools without the application's code: what a node
 * defines there at its first tick, and what {@link Schedules#stored} does with it.
 */
class StoredSchedulesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:30Z");

  record Report(String day, int copies) {}

  private final MutableClock clock = MutableClock.at(T0);
  private final MemoryStore store = MemoryStore.start();
  private final JobClient client =
      new JobClient(store.storage(), JacksonPayloadCodec.create(), clock, new SplittableRandom(1));

  private static final Schedule NIGHTLY =
      Schedule.cron(
              "nightly-report",
              "0 3 * * *",
              ZoneId.of("Europe/Berlin"),
              JobRequest.of("report.daily", new Report("yesterday", 2))
                  .queue("reports")
                  .priority(Priority.HIGH)
                  .maxAttempts(3)
                  .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(30)))
                  .tags("nightly", "finance")
                  .build())
          .withCatchUp(2);

  private static final Schedule MINUTELY =
      Schedule.every(
          "minutely",
          Duration.ofMinutes(1),
          JobRequest.ofJson("ping", "[1, 2.50, \"x\"]").retryPolicy(RetryPolicy.none()).build());

  /** A node that ran its schedules once: what defines them in the store. */
  private void nodeTicks(Schedule... schedules) {
    new Scheduler(List.of(schedules), store.scheduleStates(), client).tick(clock.instant());
  }

  private Schedules stored() {
    return Schedules.stored(store.scheduleStates(), client, clock);
  }

  @Test
  void aNodesFirstTick_definesItsSchedules_soTheStoredListHasTheirTriggersAndJobs() {
    nodeTicks(NIGHTLY, MINUTELY);

    List<Schedules.Entry> entries = stored().list();

    assertThat(entries)
        .extracting(Schedules.Entry::name)
        .containsExactly("minutely", "nightly-report");
    Schedules.Entry nightly = entries.get(1);
    Schedule schedule = nightly.schedule().orElseThrow();
    assertThat(schedule.trigger())
        .isEqualTo(new Schedule.Trigger.Cron("0 3 * * *", ZoneId.of("Europe/Berlin")));
    assertThat(schedule.catchUp()).isEqualTo(2);
    assertThat(schedule.job().kind()).isEqualTo("report.daily");
    assertThat(schedule.job().queue()).isEqualTo("reports");
    assertThat(nightly.enabled()).isTrue();
    assertThat(nightly.lastSlot()).isEmpty();
    assertThat(nightly.nextSlot()).contains(Instant.parse("2030-01-01T02:00:00Z"));
    Schedules.Entry minutely = entries.get(0);
    assertThat(minutely.schedule().orElseThrow().trigger())
        .isEqualTo(new Schedule.Trigger.Every(Duration.ofMinutes(1)));
    assertThat(minutely.nextSlot()).contains(Instant.parse("2030-01-01T00:01:00Z"));
  }

  @Test
  void aDefinitionTheStoreRefuses_neverKeepsTheScheduleFromFiring_andIsTriedAgain() {
    var refusing = new java.util.concurrent.atomic.AtomicBoolean(true);
    var states =
        new dev.docket.usecase.port.ScheduleStates() {
          private final dev.docket.usecase.port.ScheduleStates inner = store.scheduleStates();

          @Override
          public dev.docket.usecase.port.ScheduleState register(String name) {
            return inner.register(name);
          }

          @Override
          public void define(String name, String definition) {
            if (refusing.get()) {
              throw new dev.docket.usecase.port.StorageException("The schedules table is old.");
            }
            inner.define(name, definition);
          }

          @Override
          public Optional<dev.docket.usecase.port.ScheduleState> find(String name) {
            return inner.find(name);
          }

          @Override
          public List<dev.docket.usecase.port.ScheduleState> list() {
            return inner.list();
          }

          @Override
          public boolean setEnabled(String name, boolean enabled) {
            return inner.setEnabled(name, enabled);
          }

          @Override
          public void markFired(String name, Instant slot) {
            inner.markFired(name, slot);
          }
        };
    var node = new Scheduler(List.of(MINUTELY), states, client);

    int fired = node.tick(clock.instant());
    boolean definedWhileRefused = stored().find("minutely").orElseThrow().schedule().isPresent();
    refusing.set(false);
    node.tick(clock.instant());

    assertThat(fired).isEqualTo(1);
    assertThat(definedWhileRefused).isFalse();
    assertThat(stored().find("minutely").orElseThrow().schedule()).isPresent();
  }

  @Test
  void runNow_fromTheStore_submitsTheSameJobTheNodesScheduleMakes() {
    nodeTicks(NIGHTLY);

    Job fromStore = stored().runNow("nightly-report");
    Job fromCode =
        client.submit(
            NIGHTLY.job().toBuilder().uniqueKey(NIGHTLY.handKey(clock.instant())).build());

    assertThat(fromStore.spec())
        .as("the same job, with the key that marks a run by hand")
        .isEqualTo(fromCode.spec());
    assertThat(NIGHTLY.ranByHand(fromStore)).isTrue();
    assertThat(fromStore.payload()).isEqualTo("{\"day\":\"yesterday\",\"copies\":2}");
    assertThat(fromStore.priority()).isEqualTo(Priority.HIGH);
    assertThat(fromStore.maxAttempts()).isEqualTo(3);
    assertThat(fromStore.retryPolicy()).isEqualTo(RetryPolicy.fixed(Duration.ofSeconds(30)));
    assertThat(fromStore.tags()).containsExactly("finance", "nightly");
    assertThat(fromStore.state()).isEqualTo(JobState.PENDING);
    assertThat(fromStore.runAt()).isEqualTo(clock.instant());
  }

  @Test
  void aPayloadsJsonText_isKeptAsItWas() {
    nodeTicks(MINUTELY);

    Job job = stored().runNow("minutely");

    assertThat(job.payload()).isEqualTo("[1, 2.50, \"x\"]");
    assertThat(job.retryPolicy()).isEqualTo(RetryPolicy.none());
  }

  @Test
  void disablingFromTheStore_stopsTheNodesFiring_andSaysWhetherItChangedAnything() {
    nodeTicks(MINUTELY);
    var node = new Scheduler(List.of(MINUTELY), store.scheduleStates(), client);

    boolean first = stored().setEnabled("minutely", false);
    boolean again = stored().setEnabled("minutely", false);
    clock.set(T0.plus(Duration.ofMinutes(5)));
    node.tick(clock.instant());

    assertThat(first).isTrue();
    assertThat(again).isFalse();
    assertThat(stored().find("minutely").orElseThrow())
        .satisfies(
            entry -> {
              assertThat(entry.enabled()).isFalse();
              assertThat(entry.nextSlot()).isEmpty();
            });
    assertThat(store.storage().list(JobQuery.all()).jobs())
        .extracting(Job::runAt)
        .as("the slot of the first tick, before it was disabled, and none after")
        .containsExactly(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void enablingFromTheStore_doesNotCatchUpTheSlotsSkippedWhileDisabled() {
    Schedule catching = MINUTELY.withCatchUp(5);
    nodeTicks(catching);
    stored().setEnabled("minutely", false);
    clock.set(T0.plus(Duration.ofHours(1)));

    assertThat(stored().setEnabled("minutely", true)).isTrue();
    new Scheduler(List.of(catching), store.scheduleStates(), client).tick(clock.instant());

    assertThat(store.storage().list(JobQuery.all()).jobs())
        .extracting(Job::runAt)
        .containsExactlyInAnyOrder(
            Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T01:00:00Z"));
  }

  @Test
  void anUnknownName_isRefused_byEveryAction() {
    nodeTicks(MINUTELY);

    assertThat(stored().find("hourly")).isEmpty();
    assertThatThrownBy(() -> stored().setEnabled("hourly", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("There is no schedule 'hourly'.");
    assertThatThrownBy(() -> stored().runNow("hourly"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("There is no schedule 'hourly'.");
  }

  @Test
  void aScheduleKnownByNameOnly_isListed_butCannotRun_sayingWhy() {
    store.scheduleStates().register("legacy");

    Schedules.Entry entry = stored().find("legacy").orElseThrow();

    assertThat(entry.schedule()).isEmpty();
    assertThat(entry.nextSlot()).isEmpty();
    assertThat(entry.enabled()).isTrue();
    assertThat(stored().setEnabled("legacy", false)).isTrue();
    assertThatThrownBy(() -> stored().runNow("legacy"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Schedule 'legacy' has no definition in the store that this version can read, so its"
                + " job is unknown here: the nodes that run it are older than this version. Run it"
                + " from a node's dashboard or API, or restart a node on this version.");
  }

  @Test
  void aDefinitionOfANewerVersion_isListedByName_andItsRunNamesTheVersion() {
    store.scheduleStates().define("future", "{\"version\":2,\"trigger\":{\"rrule\":\"x\"}}");

    assertThat(stored().find("future").orElseThrow().schedule()).isEmpty();
    assertThatThrownBy(() -> stored().runNow("future"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith(
            "The stored definition of schedule 'future' cannot be read: it has version 2, and"
                + " this Docket reads version 1: a newer Docket wrote it.");
  }

  @Test
  void theRuntimesOwnSchedules_actThroughTheSameSeam() {
    var runtime =
        DocketRuntime.builder(store)
            .clock(clock)
            .schedule(MINUTELY)
            .options(RuntimeOptions.builder().queue("default", 1).build())
            .build();

    runtime.setScheduleEnabled("minutely", false);

    assertThat(runtime.schedules())
        .singleElement()
        .satisfies(
            view -> {
              assertThat(view.enabled()).isFalse();
              assertThat(view.nextSlot()).isEqualTo(Optional.empty());
            });
    assertThat(runtime.runScheduleNow("minutely").kind()).isEqualTo("ping");
    assertThatThrownBy(() -> runtime.runScheduleNow("hourly"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("There is no schedule 'hourly'.");
  }
}
