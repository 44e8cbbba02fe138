package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GracefulShutdownTest {
  record Task(int n) {}

  static final JobType<Task> TASK = JobType.of("task", Task.class);

  private static DocketRuntime runtime(JobHandler<Task> handler, Duration grace) {
    return Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(
                RuntimeOptions.builder()
                    .queue("default", 3)
                    .pollInterval(Duration.ofMillis(50))
                    .shutdownGrace(grace)
                    .build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(HandlerBinding.of(TASK, handler));
              }
            })
        .getInstance(DocketRuntime.class);
  }

  @Test
  @Timeout(30)
  void shutdownWithJobsInFlight_loseNothing_andUsesNoAttempt() throws Exception {
    var started = new CountDownLatch(3);
    var never = new CountDownLatch(1);
    DocketRuntime docket =
        runtime(
            (task, context) -> {
              started.countDown();
              never.await(); // interrupted by the shutdown
            },
            Duration.ofMillis(200));
    docket.start();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(docket.client().submit(TASK, new Task(i)));
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    docket.close();

    for (Job job : jobs) {
      Job after = docket.client().get(job.id());
      assertThat(after.state()).isEqualTo(JobState.PENDING);
      assertThat(after.attempt()).isZero();
      assertThat(after.errors()).isEmpty();
    }
    assertThat(docket.busy()).containsEntry("default", 0);
  }

  @Test
  @Timeout(30)
  void shutdown_letsHandlersThatFinishWithinTheGraceComplete() throws Exception {
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    DocketRuntime docket =
        runtime(
            (task, context) -> {
              started.countDown();
              release.await();
            },
            Duration.ofSeconds(10));
    docket.start();
    Job job = docket.client().submit(TASK, new Task(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    var stopping = new Thread(docket::close);
    stopping.start();
    release.countDown();
    stopping.join(TimeUnit.SECONDS.toMillis(20));

    assertThat(stopping.isAlive()).isFalse();
    assertThat(docket.client().get(job.id()).state()).isEqualTo(JobState.COMPLETED);
  }
}
