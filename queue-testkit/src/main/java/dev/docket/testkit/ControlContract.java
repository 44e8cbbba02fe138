package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
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
 * ScheduleStates} and {@link LeaderLease}, and of {@link JobStorage#agePriorities}, as a suite that
 * a store's tests inherit: one subclass that supplies {@link #createStores()}.
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class ControlContract {
  /** One store's implementations of the ports, all over the same data. */
  public record Stores(
      JobStorage jobs, QueueControl queues, ScheduleStates schedules, LeaderLease leases) {}

  private static final Duration LEASE = Duration.ofSeconds(30);
  private final MutableClock clock = MutableClock.standard();
  private Stores stores;
  private long lastId;

  /** A new, empty store's ports; called before every test. */
  protected abstract Stores createStores();

  @BeforeEach
  final void startEmpty() {
    stores = createStores();
    assertThat(stores.queues().pausedQueues()).as("paused queues of a new store").isEmpty();
    assertThat(stores.schedules().list()).as("schedules of a new store").isEmpty();
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
    stores.jobs().insert(List.of(job));
    return job;
  }

  private List<Job> claim(String queue, int limit) {
    return stores.jobs().claim(new ClaimRequest(queue, limit, "w", LEASE, clock.instant()));
  }

  @Test
  void pausedQueue_isNotClaimed_untilResumed_whileOtherQueuesRun() {
    Job mail = insert("mail", Priority.NORMAL, clock.instant());
    Job report = insert("reports", Priority.NORMAL, clock.instant());

    stores.queues().pause("mail", clock.instant());
    stores.queues().pause("mail", clock.instant());

    assertThat(stores.queues().pausedQueues()).containsExactly("mail");
    assertThat(claim("mail", 10)).isEmpty();
    assertThat(claim("reports", 10)).extracting(Job::id).containsExactly(report.id());
    stores.queues().resume("mail");
    assertThat(stores.queues().pausedQueues()).isEmpty();
    assertThat(claim("mail", 10)).extracting(Job::id).containsExactly(mail.id());
  }

  @Test
  void registeredSchedule_startsEnabled_andRegisteringAgainKeepsItsState() {
    ScheduleState first = stores.schedules().register("nightly");
    stores.schedules().markFired("nightly", clock.instant());
    stores.schedules().setEnabled("nightly", false);

    ScheduleState again = stores.schedules().register("nightly");

    assertThat(first).isEqualTo(new ScheduleState("nightly", true, Optional.empty()));
    assertThat(again).isEqualTo(new ScheduleState("nightly", false, Optional.of(clock.instant())));
    assertThat(stores.schedules().find("nightly")).contains(again);
    assertThat(stores.schedules().find("unknown")).isEmpty();
    assertThat(stores.schedules().setEnabled("unknown", true)).isFalse();
  }

  @Test
  void lastFiredSlot_neverMovesBack() {
    stores.schedules().register("hourly");
    Instant later = clock.instant().plusSeconds(3600);

    stores.schedules().markFired("hourly", later);
    stores.schedules().markFired("hourly", clock.instant());

    assertThat(stores.schedules().find("hourly").orElseThrow().lastSlot()).contains(later);
  }

  @Test
  void schedules_areListedByName() {
    stores.schedules().register("b");
    stores.schedules().register("a");

    assertThat(stores.schedules().list()).extracting(ScheduleState::name).containsExactly("a", "b");
  }

  @Test
  void leaderLease_hasOneHolder_untilItExpiresOrIsReleased() {
    Instant now = clock.instant();
    Duration ttl = Duration.ofSeconds(10);

    assertThat(stores.leases().tryAcquire("maintenance", "node-a", now, ttl)).isTrue();
    assertThat(stores.leases().tryAcquire("maintenance", "node-b", now.plusSeconds(5), ttl))
        .isFalse();
    assertThat(stores.leases().tryAcquire("maintenance", "node-a", now.plusSeconds(5), ttl))
        .isTrue();
    assertThat(stores.leases().tryAcquire("maintenance", "node-b", now.plusSeconds(14), ttl))
        .isFalse();
    assertThat(stores.leases().tryAcquire("maintenance", "node-b", now.plusSeconds(15), ttl))
        .isTrue();
    stores.leases().release("maintenance", "node-a");
    assertThat(stores.leases().tryAcquire("maintenance", "node-a", now.plusSeconds(16), ttl))
        .isFalse();
    stores.leases().release("maintenance", "node-b");
    assertThat(stores.leases().tryAcquire("maintenance", "node-a", now.plusSeconds(16), ttl))
        .isTrue();
    assertThat(stores.leases().tryAcquire("other", "node-b", now.plusSeconds(16), ttl)).isTrue();
  }

  @Test
  void jobsThatWaitedTooLong_moveUpOneLevel_andAgeAgainOnlyAfterWaitingAgain() {
    Job low = insert("q", Priority.LOW, clock.instant());
    Job urgent = insert("q", Priority.URGENT, clock.instant());
    Job future = insert("q", Priority.LOW, clock.instant().plusSeconds(3600));
    clock.advance(Duration.ofMinutes(10));
    Job fresh = insert("q", Priority.LOW, clock.instant());

    int aged =
        stores
            .jobs()
            .agePriorities(
                new AgingRequest(
                    clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100));

    assertThat(aged).isEqualTo(1);
    assertThat(stores.jobs().find(low.id()).orElseThrow().priority()).isEqualTo(Priority.NORMAL);
    assertThat(stores.jobs().find(urgent.id()).orElseThrow().priority()).isEqualTo(Priority.URGENT);
    assertThat(stores.jobs().find(future.id()).orElseThrow().priority()).isEqualTo(Priority.LOW);
    assertThat(stores.jobs().find(fresh.id()).orElseThrow().priority()).isEqualTo(Priority.LOW);
    assertThat(
            stores
                .jobs()
                .agePriorities(
                    new AgingRequest(
                        clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100)))
        .as("a job just aged waits again before it ages again")
        .isZero();
    clock.advance(Duration.ofMinutes(6));
    stores
        .jobs()
        .agePriorities(
            new AgingRequest(clock.instant().minus(Duration.ofMinutes(5)), clock.instant(), 100));
    assertThat(stores.jobs().find(low.id()).orElseThrow().priority()).isEqualTo(Priority.HIGH);
    assertThat(claim("q", 1)).extracting(Job::id).containsExactly(urgent.id());
    assertThat(claim("q", 1)).extracting(Job::id).containsExactly(low.id());
  }
}
