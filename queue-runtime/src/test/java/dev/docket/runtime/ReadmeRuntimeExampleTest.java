package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.JobState;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobContext;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The runtime example of README.md, run as written. */
class ReadmeRuntimeExampleTest {
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  // README runtime example begins
  record WelcomeEmail(String to, String name) {}

  static final JobType<WelcomeEmail> WELCOME = JobType.of("email.welcome", WelcomeEmail.class);

  static final class WelcomeHandler implements JobHandler<WelcomeEmail> {
    @Override
    public void handle(WelcomeEmail email, JobContext context) {
      SENT.add("Welcome, " + email.name()); // throw to retry with backoff
    }
  }

  static final class Handlers extends AbstractModule {
    @Override
    protected void configure() {
      DocketModule.handlers(binder())
          .addBinding()
          .toInstance(HandlerBinding.of(WELCOME, new WelcomeHandler()));
    }
  }

  void run() {
    var options = RuntimeOptions.builder().queue("default", 10).build();
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(), // or new PostgresStoreModule(PostgresOptions.ofUrl(url))
            new DocketModule(options),
            new Handlers());
    try (DocketRuntime docket = injector.getInstance(DocketRuntime.class)) {
      docket.start();
      var job = docket.client().submit(WELCOME, new WelcomeEmail("ada@example.com", "Ada"));
      // README runtime example ends
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> docket.client().get(job.id()).state() == JobState.COMPLETED);
    }
  }

  @Test
  void readmeRuntimeExample_runsTheJob() {
    run();

    assertThat(SENT).containsExactly("Welcome, Ada");
  }

  @Test
  void readme_showsExactlyTheRuntimeExampleThisTestRuns() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/docket/runtime/ReadmeRuntimeExampleTest.java"));
    String example =
        source.substring(
            source.indexOf("\n", source.indexOf("// README runtime example begins")) + 1,
            source.indexOf("      // README runtime example ends"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(normalize(readme)).contains(normalize(example));
  }

  private static String normalize(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .reduce("", (a, b) -> a + "\n" + b);
  }
}
