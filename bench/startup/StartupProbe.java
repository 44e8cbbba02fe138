import dev.docket.runtime.DocketRuntime;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobType;

/**
 * The start-up of a plain application on the library's own class path: nothing loaded before the
 * clock starts (no Jackson, no logging backend), unlike docket bench's child process, which reads
 * its plan with Jackson first. Prints one JSON line: the store's start, the runtime's build, and
 * both. Run by bench/startup/run.sh.
 */
public class StartupProbe {
  record Greeting(String to) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    long begin = System.nanoTime();
    PostgresStore store =
        PostgresStore.start(
            PostgresOptions.builder().url(url).user(user).schema("docket_startup_probe").build());
    long started = System.nanoTime();
    DocketRuntime runtime =
        DocketRuntime.builder(store)
            .handler(JobType.of("probe.greet", Greeting.class), (greeting, context) -> {})
            .closeStoreOnStop(true)
            .build();
    long built = System.nanoTime();
    System.out.printf(
        "{\"store_start_ms\": %.1f, \"build_ms\": %.1f, \"total_ms\": %.1f}%n",
        (started - begin) / 1e6, (built - started) / 1e6, (built - begin) / 1e6);
    runtime.close();
  }
}
