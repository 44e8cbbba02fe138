package dev.docket.example;

import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An application that embeds Docket on PostgreSQL with nothing else: no Guice module, no HTTP, no
 * metrics registry, no logging backend. Its build checks that its runtime classpath holds none of
 * those, and its test runs it.
 *
 * <pre>
 * java -cp ... dev.docket.example.WelcomeEmails jdbc:postgresql://127.0.0.1:5432/test postgres
 * </pre>
 */
public final class WelcomeEmails {
  /** A job's payload: a record, stored as JSON. */
  public record WelcomeEmail(String to, String name) {}

  /** The job type: a kind name and its payload's class. */
  public static final JobType<WelcomeEmail> WELCOME =
      JobType.of("email.welcome", WelcomeEmail.class);

  private WelcomeEmails() {}

  /** Sends welcome emails (here: prints them) for each name, through Docket, and waits for them. */
  public static List<String> run(PostgresOptions database, List<String> names)
      throws InterruptedException {
    var sent = new CopyOnWriteArrayList<String>();
    var done = new CountDownLatch(names.size());
    JobHandler<WelcomeEmail> handler =
        (email, context) -> {
          sent.add("Welcome, " + email.name() + " <" + email.to() + ">");
          done.countDown();
        };
    try (DocketRuntime docket =
        DocketRuntime.builder(PostgresStore.start(database))
            .closeStoreOnStop(true)
            .options(RuntimeOptions.builder().queue("default", 10).build())
            .handler(WELCOME, handler)
            .build()) {
      docket.start();
      for (String name : names) {
        docket
            .client()
            .submit(WELCOME, new WelcomeEmail(name.toLowerCase() + "@example.com", name));
      }
      if (!done.await(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Only " + sent.size() + " emails went out in 30 s.");
      }
    }
    return List.copyOf(sent);
  }

  /** Runs it: the JDBC URL, then optionally the user. */
  public static void main(String[] args) throws InterruptedException {
    String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test";
    var options = PostgresOptions.builder().url(url).schema("docket_example");
    if (args.length > 1) {
      options.user(args[1]);
    }
    run(options.build(), List.of("Ada", "Grace", "Edsger")).forEach(System.out::println);
  }
}
