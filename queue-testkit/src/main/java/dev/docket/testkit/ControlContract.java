package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobMaintenance;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleState;
import dev.docket.usecase.port.ScheduleStates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of the ports that nodes share besides the jobs, {@link QueueControl}, {@link
 * ScheduleStates} and {@link LeaderLease}, and of {@link JobMaintenance#agePriorities}, as a suite
 * that a store's tests inherit: one subclass that supplies {@link #createStore()}.
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class ControlContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final MutableClock clock = MutableClock.standard();
  private DocketStore store;
  private long lastId;

  /** A new, empty store; called before every test. */
  protected abstract DocketStore createStore();

  @BeforeEach
  final void startEmpty() {
    store = createStore();
    assertThat(store.queueControl().pausedQueues()).as("paused queues of a new store").isEmpty();
    assertThat(store.scheduleStates().list()).as("schedules of a new store").isEmpty();
  }

  private Job insert(String queue, Priority priority, Instant runAt) {
    lastId++;
    var id = JobId.of(new UUID(0x0190_0000_0000_7000L | lastId, 0x8000_0000_0000_0000L | lastId));
    var spec =
        new JobSpec(
            queue,
            "k",
            "{}",
            priority,
            3,
            RetryPolicy.exponential(),
            runAt,
            Optional.empty(),
            List.of());
    Job job = Job.submit(id, spec, clock.instant());
    store.storage().insert(List.of(job));
    return job;
  }

  private List<Job> claim(String queue, int limit) {
    return store.storage().claim(new ClaimRequest(queue, limit, "w", LEASE, clock.instant()));
  }

  @Test
  void healthCheck_passes_whileTheStoreAnswers() {
    org.assertj.core.api.Assertions.assertThatCode(store::checkHealth).doesNotThrowAnyException();
  }

  @Test
  void pausedQueue_isNotClaimed_untilResumed_whileOtherQueuesRun() {
    Job mail = insert("mail", Priority.NORMAL, clock.instant());
    Job report = insert("reports", Priority.NORMAL, clock.instant());

    store.queueControl().pause("mail", clock.instant());
    store.queueControl().pause("mail", clock.instant());

    assertThat(store.queueControl().pausedQueues()).containsExactly("mail");
    assertThat(claim("mail", 10)).isEmpty();
    assertThat(claim("reports", 10)).extracting(Job::id).containsExactly(report.id());
    store.queueControl().resume("mail");
    assertThat(store.queueControl().pausedQueues()).isEmpty();
    assertThat(claim("mail", 10)).extracting(Job::id).containsExactly(mail.id());
  }

  @Test
  void aJobInsertedForAClaim_staysPending_whileItsQueueIsPaused() {
    store.queueControl().pause("mail", clock.instant());
    lastId++;
    var id = JobId.of(new UUID(0x0190_0000_0000_7000L | lastId, 0x8000_0000_0000_0000L | lastId));
    var spec =
        new JobSpec(
            "mail",
            "k",
            "{}",
            Priority.NORMAL,
            3,
            RetryPolicy.exponential(),
            clock.instant(),
            Optional.empty(),
            List.of());

    Job stored =
        store
            .storage()
            .insertClaimed(
                Job.submit(id, spec, clock.instant()),
                new ClaimRequest("mail", 1, "w", LEASE, clock.instant()));

    assertThat(stored.state()).isEqualTo(JobState.PENDING);
    store.queueControl().resume("mail");
    assertThat(claim("mail", 10)).extracting(Job::id).containsExactly(id);
  }

  @Test
  void registeredSchedule_startsEnabled_andRegisteringAgainKeepsItsState() {
    ScheduleState first = store.scheduleStates().register("nightly");
    store.scheduleStates().markFired("nightly", clock.instant());
    store.scheduleStates().setEnabled("nightly", false);

    ScheduleState again = store.scheduleStates().register("nightly");

    assertThat(first).isEqualTo(new ScheduleState("nightly", true, Optional.empty()));
    assertThat(again).isEqualTo(new ScheduleState("nightly", false, Optional.of(clock.instant())));
    assertThat(store.scheduleStates().find("nightly")).contains(again);
    assertThat(store.scheduleStates().find("unknown")).isEmpty();
    assertThat(store.scheduleStates().setEnabled("unknown", true)).isFalse();
  }

  @Test
  void definingASchedule_makesItKnownEnabled_andKeepsTheTextAsItIs() {
    String definition = "{\"v\":1,\"trigger\":{\"every\":\"PT1M\"},\"note\":\"caf\u00e9 \u2603\"}";

    store.scheduleStates().define("minutely", definition);

    assertThat(store.scheduleStates().find("minutely"))
        .contains(new ScheduleState("minutely", true, Optional.empty(), Optional.of(definition)));
    assertThat(store.scheduleStates().register("minutely").definition()).contains(definition);
    assertThat(store.scheduleStates().register("undefined").definition()).isEmpty();
  }

  @Test
  void definingAgain_replacesTheDefinition_andKeepsTheEnabledFlagAndTheLastSlot() {
    store.scheduleStates().define("nightly", "{\"v\":1}");
    store.scheduleStates().markFired("nightly", clock.instant());
    store.scheduleStates().setEnabled("nightly", false);

    store.scheduleStates().define("nightly", "{\"v\":2}");

    assertThat(store.scheduleStates().list())
        .containsExactly(
            new ScheduleState(
                "nightly", false, Optional.of(clock.instant()), Optional.of("{\"v\":2}")));
  }

  @Test
  void lastFiredSlot_neverMovesBack() {
    store.scheduleStates().register("hourly");
    Instant later = clock.instant().plusSeconds(3600);

    store.scheduleStates().markFired("hourly", later);
    store.scheduleStates().markFired("hourly", clock.instant());

    assertThat(store.scheduleStates().find("hourly").orElseThrow().lastSlot()).contains(later);
  }

  @Test
  void schedules_areListedByName() {
    store.scheduleStates().register("b");
    store.scheduleStates().register("a");

    assertThat(store.scheduleStates().list())
        .extracting(ScheduleState::name)
        .containsExactly("a", "b");
  }

  @Test
  void leaderLease_hasOneHolder_untilItExpiresOrIsReleased() {
    Instant now = clock.instant();
    Duration ttl = Duration.ofSeconds(10);

    assertThat(store.leaderLease().tryAcquire("maintenance", "node-a", now, ttl)).isTrue();
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-b", now.plusSeconds(5), ttl))
        .isFalse();
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-a", now.plusSeconds(5), ttl))
        .isTrue();
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-b", now.plusSeconds(14), ttl))
        .isFalse();
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-b", now.plusSeconds(15), ttl))
        .isTrue();
    store.leaderLease().release("maintenance", "node-a");
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-a", now.plusSeconds(16), ttl))
        .isFalse();
    store.leaderLease().release("maintenance", "node-b");
    assertThat(store.leaderLease().tryAcquire("maintenance", "node-a", now.plusSeconds(16), ttl))
        .isTrue();
    assertThat(store.leaderLease().tryAcquire("other", "node-b", now.plusSeconds(16), ttl))
        .isTrue();
  }

  @Test
  void jobsThatWaitedTooLong_moveUpOneLevel_andAgeAgainOnlyAfterWaitingAgain() {
    Job low = insert("q", Priority.LOW, clock.instant());
    Job urgent = insert("q", Priority.URGENT, clock.instant());
    Job future = insert("q", Priority.LOW, clock.instant().plusSeconds(3600));
    clock.advance(Duration.ofMinutes(10));
    Job fresh = insert("q", Priority.LOW, clock.instant());

    int aged =
        store
            .storage()
            .agePriorities(
                new AgingRequest(
                    clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100));

    assertThat(aged).isEqualTo(1);
    assertThat(store.storage().find(low.id()).orElseThrow().priority()).isEqualTo(Priority.NORMAL);
    assertThat(store.storage().find(urgent.id()).orElseThrow().priority())
        .isEqualTo(Priority.URGENT);
    assertThat(store.storage().find(future.id()).orElseThrow().priority()).isEqualTo(Priority.LOW);
    assertThat(store.storage().find(fresh.id()).orElseThrow().priority()).isEqualTo(Priority.LOW);
    assertThat(
            store
                .storage()
                .agePriorities(
                    new AgingRequest(
                        clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100)))
        .as("a job just aged waits again before it ages again")
        .isZero();
    clock.advance(Duration.ofMinutes(6));
    store
        .storage()
        .agePriorities(
            new AgingRequest(clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100));
    assertThat(store.storage().find(low.id()).orElseThrow().priority()).isEqualTo(Priority.HIGH);
    assertThat(claim("q", 1)).extracting(Job::id).containsExactly(urgent.id());
    assertThat(claim("q", 1)).extracting(Job::id).containsExactly(low.id());
  }
}
