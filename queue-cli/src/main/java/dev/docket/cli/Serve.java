package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Module;
import dev.docket.domain.JobState;
import dev.docket.http.DocketServer;
import dev.docket.http.HttpModule;
import dev.docket.http.HttpOptions;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.OutageLog;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.port.QueueStats;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code docket serve}: runs workers until stopped, or for {@code --run-for}.
 *
 * <p>Nothing the command reads from the store while it runs can end it: a database outage takes the
 * node out of rotation ({@code /health/ready} answers 503) until the database is back, and a failed
 * read of the statistics it prints is logged once per outage. It prints statistics only when asked
 * ({@code --print-stats}) or with {@code --demo}: a node's stdout is a container's log.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run workers, with the HTTP API, dashboard, metrics and health probes.",
      "It keeps running while the database is unreachable: /health/ready answers 503 until the"
          + " database is back, and work resumes by itself."
    })
final class Serve implements Callable<Integer> {
  /** The statistics interval of {@code --demo} when {@code --print-stats} is not given. */
  static final String DEMO_STATS_INTERVAL = "PT5S";

  @Spec CommandSpec spec;

  /** A read of the statistics to print failed: one warning per outage, and one when it ends. */
  private final OutageLog statsLog = new OutageLog(LOG, "Reading the statistics to print");

  @CommandLine.Mixin Database database = new Database();

  @Option(
      names = "--queue",
      description =
          "A queue and its concurrency, as name=concurrency; repeatable (default default=10).")
  Map<String, Integer> queues = new LinkedHashMap<>();

  @Option(
      names = "--demo",
      description = "Register demo handlers and enqueue a steady mix of jobs.")
  boolean demo;

  @Option(
      names = "--run-for",
      description = "Stop after this long (ISO-8601, e.g. PT30S); runs until stopped otherwise.")
  Duration runFor;

  @Option(
      names = "--print-stats",
      paramLabel = "<interval>",
      description =
          "Print each queue's jobs by state to stdout this often, and once more on stop"
              + " (ISO-8601, e.g. PT1M). Off by default, every "
              + DEMO_STATS_INTERVAL
              + " with --demo; PT0S turns it off.")
  Duration printStats;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "PT30S",
      description = "How long running jobs may finish on shutdown (default ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(
      names = "--http-host",
      defaultValue = HttpOptions.DEFAULT_HOST,
      description =
          "Address of the HTTP API and dashboard (default ${DEFAULT-VALUE}, this machine only).")
  String httpHost;

  @Option(
      names = "--http-port",
      defaultValue = "7070",
      description =
          "Port of the HTTP API and dashboard; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--no-http",
      description = "Run workers only: no API, dashboard, metrics or health endpoints.")
  boolean noHttp;

  @Option(
      names = "--api-token",
      description =
          "Bearer token for the API and the dashboard, 16+ characters (env DOCKET_API_TOKEN);"
              + " one is made and logged when none is given.")
  String apiToken;

  @Option(
      names = "--api-read-token",
      description =
          "Bearer token that may only read the API and the dashboard, 16+ characters and not the"
              + " API token (env DOCKET_API_READ_TOKEN); none when not given.")
  String apiReadToken;

  @Option(
      names = "--audit-retention",
      paramLabel = "<duration>",
      description =
          "How long the audit log keeps an entry, P1D to P3650D (default P90D); older ones are"
              + " purged by the maintenance.")
  Duration auditRetention;

  @Option(
      names = "--dashboard-open-on-localhost",
      description =
          "Open the dashboard's pages and buttons without the token to browsers on this machine"
              + " (not the rest of the API).")
  boolean openOnLocalhost;

  @Option(
      names = "--secure-cookies",
      description = "Always mark the session cookie Secure: the server is reached over HTTPS.")
  boolean secureCookies;

  @Option(
      names = "--trust-proxy",
      description =
          "Behind a reverse proxy: trust X-Forwarded-Proto (https makes the cookie Secure) and"
              + " X-Forwarded-For (the client's address).")
  boolean trustProxy;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Duration> statsInterval = statsInterval();
    var options = RuntimeOptions.builder().shutdownGrace(grace);
    if (auditRetention != null) {
      options.auditRetention(auditRetention);
    }
    if (queues.isEmpty() && demo) {
      Demo.QUEUES.forEach(options::queue);
    }
    queues.forEach(options::queue);
    List<Module> modules = new ArrayList<>();
    modules.add(
        database.isGiven()
            ? new PostgresStoreModule(database.options().build())
            : new MemoryStoreModule());
    modules.add(new DocketModule(options.build()));
    if (!noHttp) {
      var http =
          HttpOptions.builder()
              .host(httpHost)
              .port(httpPort)
              .openOnLocalhost(openOnLocalhost)
              .secureCookies(secureCookies)
              .trustProxy(trustProxy);
      if (apiToken != null && !apiToken.isEmpty()) {
        http.token(apiToken);
      }
      if (apiReadToken != null && !apiReadToken.isEmpty()) {
        http.readOnlyToken(apiReadToken);
      }
      modules.add(new HttpModule(http.build()));
    }
    if (demo) {
      modules.add(
          new AbstractModule() {
            @Override
            protected void configure() {
              Demo.handlers()
                  .forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
              DocketModule.schedules(binder()).addBinding().toInstance(Demo.schedule());
            }
          });
    }
    var injector = Guice.createInjector(modules);
    DocketRuntime docket = injector.getInstance(DocketRuntime.class);
    DocketServer server = noHttp ? null : injector.getInstance(DocketServer.class);
    var stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              if (server != null) {
                server.close();
              }
              docket.close();
              stopped.countDown();
            },
            "docket-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    docket.start();
    if (server != null) {
      try {
        server.start();
      } catch (RuntimeException e) {
        Runtime.getRuntime().removeShutdownHook(hook);
        docket.close();
        throw e;
      }
    }
    out.printf(
        "Docket serves %s on the %s store. Stop with Ctrl-C (SIGTERM): running jobs finish, or go back to pending.%n",
        options.build().queues(), database.isGiven() ? "PostgreSQL" : "in-memory");
    if (server != null) {
      out.printf(
          "Dashboard and API at %s (health %s/health/ready, metrics %s/metrics).%n",
          server.url(), server.url(), server.url());
    }
    printSchedules(out, docket);
    out.flush();
    Demo load = demo ? Demo.start(docket.client()) : null;
    awaitStop(stopped, out, docket, statsInterval);
    if (load != null) {
      load.close();
    }
    if (stopped.getCount() > 0) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down meanwhile: the hook closes the same things, and closing
        // twice does nothing.
      }
      // The last statistics are read while the store is open: closing the runtime closes it.
      if (statsInterval.isPresent()) {
        printStats(out, docket);
      }
      if (server != null) {
        server.close();
      }
      docket.close();
    }
    return 0;
  }

  /** The interval of {@code --print-stats}, if statistics are printed at all. */
  private Optional<Duration> statsInterval() {
    if (printStats == null) {
      return demo ? Optional.of(Duration.parse(DEMO_STATS_INTERVAL)) : Optional.empty();
    }
    if (printStats.isNegative()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Statistics interval %s is negative: use PT0S to turn them off, or one such as PT1M."
              .formatted(printStats));
    }
    return printStats.isZero() ? Optional.empty() : Optional.of(printStats);
  }

  /**
   * Waits until the shutdown hook ran or {@code --run-for} passed, printing statistics every {@code
   * statsInterval} meanwhile. Times are nanoseconds since the start, so neither an endless run nor
   * an absent interval can overflow.
   */
  private void awaitStop(
      CountDownLatch stopped,
      PrintWriter out,
      DocketRuntime docket,
      Optional<Duration> statsInterval)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = runFor == null ? Long.MAX_VALUE : nanos(runFor);
    long every = statsInterval.map(Serve::nanos).orElse(Long.MAX_VALUE);
    long nextStats = every;
    while (true) {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= end
          || stopped.await(Math.min(end, nextStats) - elapsed, TimeUnit.NANOSECONDS)) {
        return;
      }
      if (System.nanoTime() - start >= nextStats) {
        printStats(out, docket);
        // From the end of this print: one delayed by a slow store is not followed by a burst.
        long printed = System.nanoTime() - start;
        nextStats = every > Long.MAX_VALUE - printed ? Long.MAX_VALUE : printed + every;
      }
    }
  }

  private static long nanos(Duration duration) {
    try {
      return Math.max(0, duration.toNanos());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // centuries
    }
  }

  /** The schedules and their next slots; a store that does not answer ends nothing. */
  private static void printSchedules(PrintWriter out, DocketRuntime docket) {
    List<DocketRuntime.ScheduleView> views;
    try {
      views = docket.schedules();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "The schedules could not be read ({0}); they fire once the store answers.",
          dev.docket.domain.LogText.escape(e.getMessage()));
      return;
    }
    for (DocketRuntime.ScheduleView view : views) {
      out.printf(
          "Schedule %s: %s, next slot %s%n",
          view.schedule().name(),
          view.enabled() ? "enabled" : "disabled",
          view.nextSlot().map(Object::toString).orElse("none"));
    }
  }

  /**
   * One line per queue, from the statistics the dashboard and metrics share. A store that does not
   * answer is logged once per outage and skipped: it must never end the command.
   */
  private void printStats(PrintWriter out, DocketRuntime docket) {
    List<QueueStats> stats;
    try {
      stats = docket.stats();
      statsLog.succeeded();
    } catch (RuntimeException e) {
      statsLog.failed(e);
      return;
    }
    for (QueueStats queue : stats) {
      var line = new StringBuilder("%-10s".formatted(queue.queue()));
      for (JobState state : JobState.values()) {
        line.append(' ').append(lower(state)).append('=').append(queue.count(state));
      }
      out.println(line.append(" due=").append(queue.due()));
    }
    out.flush();
  }
}
