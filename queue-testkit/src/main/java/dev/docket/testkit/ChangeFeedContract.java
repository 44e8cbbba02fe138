package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Retried;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.ProgressReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link JobChanges}: every new job, change of state or attempt and progress report
 * the store accepts reaches its sinks, in the order it was made for each job, with what the job is
 * after the change; a refused change, a lease extension and a priority raise send nothing.
 *
 * <p>A store's tests run it with one subclass that supplies a new, empty store whose feed is on.
 * Changes may arrive on another thread, later than the call that made them: the suite waits for
 * each up to {@link #WAIT}.
 */
public abstract class ChangeFeedContract extends JobStorageFixture {
  static final Duration WAIT = Duration.ofSeconds(10);

  private DocketStore store;
  private final BlockingQueue<JobChange> received = new LinkedBlockingQueue<>();
  private JobChanges.Subscription subscription;

  /**
   * Creates the store under test: new, holding no jobs, with its feed of changes working. Called
   * once before every test.
   */
  protected abstract DocketStore createStore();

  @Override
  protected final JobStorage createStorage() {
    store = createStore();
    subscription = store.changes().subscribe(into(received));
    return store.storage();
  }

  /** A sink that keeps what it gets in {@code queue}. */
  private static JobChanges.Sink into(BlockingQueue<JobChange> queue) {
    return new JobChanges.Sink() {
      @Override
      public void changed(List<JobChange> changes) {
        queue.addAll(changes);
      }

      @Override
      public void missed() {}
    };
  }

  @AfterEach
  final void unsubscribe() {
    subscription.close();
  }

  private JobChange next() throws InterruptedException {
    JobChange change = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(change).as("a change within %s", WAIT).isNotNull();
    return change;
  }

  private List<JobChange> next(int count) throws InterruptedException {
    var changes = new ArrayList<JobChange>(count);
    for (int i = 0; i < count; i++) {
      changes.add(next());
    }
    return changes;
  }

  @Test
  void aNewJob_isSentAsCreated_withWhatItIs() throws Exception {
    Job job = insert(specBuilder(QUEUE).kind("mail.send").tags("tenant:7", "vip").build());

    JobChange change = next();

    assertThat(change)
        .isEqualTo(
            new JobChange(
                JobChange.Type.CREATED,
                job.id(),
                QUEUE,
                "mail.send",
                List.of("tenant:7", "vip"),
                JobState.PENDING,
                0,
                1,
                java.util.Optional.empty(),
                job.updatedAt()));
  }

  @Test
  void aJobsLife_isSentInTheOrderItWasLived() throws Exception {
    Job claimed = claimNew(spec(QUEUE));
    var progress = new Progress(50, "half \u00fcber", now());
    storage.reportProgress(new ProgressReport(claimed.id(), fence(claimed), progress));
    clock.advance(Duration.ofSeconds(1));
    reportAccepted(new Completed(claimed.id(), fence(claimed), now(), java.util.Optional.of("1")));

    List<JobChange> changes = next(4);

    assertThat(changes)
        .extracting(JobChange::type, JobChange::state, JobChange::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(JobChange.Type.CREATED, JobState.PENDING, 0),
            org.assertj.core.groups.Tuple.tuple(JobChange.Type.STATE, JobState.RUNNING, 1),
            org.assertj.core.groups.Tuple.tuple(JobChange.Type.PROGRESS, JobState.RUNNING, 1),
            org.assertj.core.groups.Tuple.tuple(JobChange.Type.STATE, JobState.COMPLETED, 1));
    assertThat(changes.get(2).progress()).contains(progress);
    assertThat(changes.get(3).version()).isEqualTo(stored(claimed.id()).version());
    assertThat(changes.get(3).at()).isEqualTo(now());
    assertThat(changes).extracting(JobChange::jobId).containsOnly(claimed.id());
  }

  @Test
  void aRetry_isSentAsPending_withTheAttemptItUsed() throws Exception {
    Job claimed = claimNew(specBuilder(QUEUE).maxAttempts(3).build());
    assertThat(report(new Retried(claimed.id(), fence(claimed), now(), error(claimed), now())))
        .isEmpty();

    List<JobChange> changes = next(3);

    assertThat(changes.get(2).type()).isEqualTo(JobChange.Type.STATE);
    assertThat(changes.get(2).state()).isEqualTo(JobState.PENDING);
    assertThat(changes.get(2).attempt()).isEqualTo(1);
  }

  @Test
  void refusedChanges_leaseExtensions_andPriorityRaises_sendNothing() throws Exception {
    Job claimed = claimNew(spec(QUEUE));
    Job waiting = insert(spec(OTHER_QUEUE));
    next(3); // created, running, created
    // None of these may send a change: the completion after them must be the next one.
    assertThat(report(new Completed(claimed.id(), fence(claimed) + 7, now()))).isNotEmpty();
    assertThat(
            storage.reportProgress(
                new ProgressReport(claimed.id(), fence(claimed) + 7, new Progress(1, "", now()))))
        .isFalse();
    storage.extendLeases(List.of(extension(claimed, Duration.ofMinutes(5))));
    clock.advance(Duration.ofHours(2));
    storage.agePriorities(new AgingRequest(now().minus(Duration.ofMinutes(1)), now(), 100));
    assertThat(stored(waiting.id()).priority()).isNotEqualTo(waiting.priority());
    reportAccepted(completedNow(claimed));

    JobChange change = next();

    assertThat(change.jobId()).isEqualTo(claimed.id());
    assertThat(change.state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aBatchOfNewJobs_isSentWhole() throws Exception {
    List<Job> jobs =
        IntStream.range(0, 500)
            .mapToObj(i -> submit(specBuilder(QUEUE).tags("batch", "n" + i).build()))
            .toList();
    insertAll(jobs);

    List<JobId> ids = next(500).stream().map(JobChange::jobId).toList();

    assertThat(ids).containsExactlyInAnyOrderElementsOf(jobs.stream().map(Job::id).toList());
  }

  @Test
  void aClosedSubscription_getsNothingMore() throws Exception {
    var late = new LinkedBlockingQueue<JobChange>();
    var closed = store.changes().subscribe(into(late));
    closed.close();

    Job job = insert(spec(QUEUE));

    assertThat(next().jobId()).isEqualTo(job.id()); // the open one heard it, so it was sent
    assertThat(late).isEmpty();
  }
}
