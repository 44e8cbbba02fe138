package dev.docket.cli;

import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.OutageLog;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What {@code docket serve --demo} runs: three kinds of job on three queues, enqueued in a steady
 * mix, some of which fail and retry and a few of which end in the dead letter.
 */
final class Demo implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Demo.class.getName());

  record Email(String to) {}

  record Thumbnail(String image, int width) {}

  record Report(String name, boolean missingSource) {}

  static final JobType<Email> EMAIL = JobType.of("demo.email", Email.class);
  static final JobType<Thumbnail> THUMBNAIL = JobType.of("demo.thumbnail", Thumbnail.class);
  static final JobType<Report> REPORT = JobType.of("demo.report", Report.class);

  static final Map<String, Integer> QUEUES = Map.of("mail", 4, "media", 2, "reports", 1);

  private final ScheduledExecutorService producer;

  private Demo(ScheduledExecutorService producer) {
    this.producer = producer;
  }

  static List<HandlerBinding<?>> handlers() {
    return List.of(
        HandlerBinding.of(EMAIL, (email, context) -> work(20, 80)),
        HandlerBinding.of(
            THUMBNAIL,
            (thumbnail, context) -> {
              work(50, 200);
              if (ThreadLocalRandom.current().nextInt(4) == 0) {
                throw new IllegalStateException("image service timed out for " + thumbnail.image());
              }
            }),
        HandlerBinding.of(
            REPORT,
            (report, context) -> {
              for (int step = 0; step < 10; step++) {
                context.throwIfCancellationRequested();
                work(50, 100);
              }
              if (report.missingSource()) {
                throw new NonRetryableException("report " + report.name() + " has no data source");
              }
            }));
  }

  /** A cron schedule: a summary report every minute, one per minute however many nodes run. */
  static Schedule schedule() {
    return Schedule.cron(
        "demo.minutely-summary",
        "* * * * *",
        java.time.ZoneOffset.UTC,
        JobRequest.of(REPORT, new Report("minutely-summary", false)).queue("reports").build());
  }

  static Demo start(JobClient client) {
    var producer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("docket-demo").factory());
    int[] n = {0};
    var outage = new OutageLog(LOG, "The demo's enqueue");
    producer.scheduleAtFixedRate(
        () -> {
          try {
            int i = n[0]++;
            client.submit(
                JobRequest.of(EMAIL, new Email("user" + i + "@example.com")).queue("mail").build());
            if (i % 2 == 0) {
              client.submit(
                  JobRequest.of(THUMBNAIL, new Thumbnail("photo-" + i + ".jpg", 320))
                      .queue("media")
                      .maxAttempts(3)
                      .retryPolicy(
                          RetryPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(5)))
                      .build());
            }
            if (i % 5 == 0) {
              client.submit(
                  JobRequest.of(REPORT, new Report("daily-" + i, i % 15 == 5))
                      .queue("reports")
                      .priority(i % 10 == 0 ? Priority.HIGH : Priority.NORMAL)
                      .build());
            }
            outage.succeeded();
          } catch (RuntimeException e) {
            outage.failed(e); // once per outage, not four times a second
          }
        },
        0,
        250,
        TimeUnit.MILLISECONDS);
    return new Demo(producer);
  }

  private static void work(int minMillis, int maxMillis) throws InterruptedException {
    Thread.sleep(ThreadLocalRandom.current().nextInt(minMillis, maxMillis));
  }

  @Override
  public void close() {
    producer.shutdownNow();
  }
}
