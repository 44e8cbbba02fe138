import dev.docket.domain.Job;
import dev.docket.runtime.DocketRuntime;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobType;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The start-up of a plain application on the library's own class path: nothing loaded before the
 * clock starts (no Jackson, no logging backend), unlike docket bench's child process, which reads
 * its plan with Jackson first. It starts the store, builds the runtime, submits one job, starts the
 * runtime and waits for the job's handler; then stops, deletes its job and prints one JSON line:
 * the store's start, the runtime's build, the submit, the {@code start()} call, the time from that
 * call to the handler, and the JVM's own start before {@code main}. Run by bench/startup/run.sh.
 */
public class StartupProbe {
  record Greeting(String to) {}

  static final JobType<Greeting> GREET = JobType.of("probe.greet", Greeting.class);

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    long beginMillis = System.currentTimeMillis();
    long begin = System.nanoTime();
    PostgresStore store =
        PostgresStore.start(
            PostgresOptions.builder().url(url).user(user).schema("docket_startup_probe").build());
    long started = System.nanoTime();
    var handled = new AtomicLong(Long.MIN_VALUE);
    var firstJob = new CountDownLatch(1);
    // The store stays open after stop(), so that the probe can delete its job.
    DocketRuntime runtime =
        DocketRuntime.builder(store)
            .handler(
                GREET,
                (greeting, context) -> {
                  handled.compareAndSet(Long.MIN_VALUE, System.nanoTime());
                  firstJob.countDown();
                })
            .build();
    long built = System.nanoTime();
    Job job = runtime.client().submit(GREET, new Greeting("probe"));
    long submitted = System.nanoTime();
    runtime.start();
    long startReturned = System.nanoTime();
    if (!firstJob.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("The probe's job did not start within 60 s.");
    }
    // Every outcome is reported before stop returns, so the job is finished and can go.
    runtime.stop(Duration.ofSeconds(10));
    runtime.client().delete(job.id());
    store.close();
    // Read after the clocks: the management classes would otherwise count in the start-up.
    var jvm = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        Locale.ROOT,
        "{\"store_start_ms\": %.1f, \"build_ms\": %.1f, \"total_ms\": %.1f, \"submit_ms\": %.1f,"
            + " \"start_call_ms\": %.1f, \"first_job_ms\": %.1f, \"jvm_ms\": %d,"
            + " \"jvm_options\": %s}%n",
        ms(started - begin),
        ms(built - started),
        ms(built - begin),
        ms(submitted - built),
        ms(startReturned - submitted),
        ms(handled.get() - submitted),
        beginMillis - jvm.getStartTime(),
        json(jvm.getInputArguments()));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String json(List<String> strings) {
    return strings.stream()
        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
