package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.JobState;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobContext;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ResultHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The two runtime examples of README.md, run as written: the README shows the code between the
 * markers, and its imports are this file's.
 */
class ReadmeRuntimeExampleTest {
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  // README plain example begins
  record WelcomeEmail(String to, String name) {}

  record Sent(String messageId) {}

  static final JobType<WelcomeEmail> WELCOME = JobType.of("email.welcome", WelcomeEmail.class);

  static final class WelcomeHandler implements ResultHandler<WelcomeEmail, Sent> {
    @Override
    public Sent handle(WelcomeEmail email, JobContext context) {
      SENT.add("Welcome, " + email.name()); // throw to retry with backoff
      return new Sent("msg-" + email.to()); // kept with the job; or use JobHandler for none
    }
  }

  Sent run() throws Exception {
    try (DocketRuntime docket =
        DocketRuntime.builder(MemoryStore.start()) // or PostgresStore.start(options)
            .options(RuntimeOptions.builder().queue("default", 10).build())
            .resultHandler(WELCOME, new WelcomeHandler())
            .build()) {
      docket.start();
      var job = docket.client().submit(WELCOME, new WelcomeEmail("ada@example.com", "Ada"));
      // Workers on 10 threads run it, on this node or any other; the caller may wait for it.
      Sent sent = docket.client().awaitResult(job.id(), Sent.class, Duration.ofSeconds(10));
      // close() lets running jobs finish, or gives them back.
      // README plain example ends
      return sent;
    }
  }

  // README guice example begins
  static final class Handlers extends AbstractModule {
    @Override
    protected void configure() {
      DocketModule.handlers(binder())
          .addBinding()
          .toInstance(HandlerBinding.withResult(WELCOME, new WelcomeHandler()));
    }
  }

  void runWithGuice() {
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(), // or new PostgresStoreModule(PostgresOptions.ofUrl(url))
            new DocketModule(RuntimeOptions.builder().queue("default", 10).build()),
            new Handlers());
    try (DocketRuntime docket = injector.getInstance(DocketRuntime.class)) {
      docket.start();
      var job = docket.client().submit(WELCOME, new WelcomeEmail("grace@example.com", "Grace"));
      // README guice example ends
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> docket.client().get(job.id()).state() == JobState.COMPLETED);
    }
  }

  @Test
  void readmePlainExample_runsTheJob_andGivesItsResult() throws Exception {
    SENT.clear();
    Sent sent = run();

    assertThat(SENT).containsExactly("Welcome, Ada");
    assertThat(sent).isEqualTo(new Sent("msg-ada@example.com"));
  }

  @Test
  void readmeGuiceExample_runsTheJob() {
    SENT.clear();
    runWithGuice();

    assertThat(SENT).containsExactly("Welcome, Grace");
  }

  @Test
  void readme_showsExactlyTheExamplesThisTestRuns_withImportsThatExist() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/docket/runtime/ReadmeRuntimeExampleTest.java"));
    String readme = Files.readString(Path.of("../README.md"));

    for (String name : List.of("plain", "guice")) {
      String begin = "// README " + name + " example begins";
      String example =
          source.substring(
              source.indexOf("\n", source.indexOf(begin)) + 1,
              source.indexOf("// README " + name + " example ends"));
      assertThat(normalize(readme)).as("the %s example", name).contains(normalize(example));
      // The README block's imports, each one this file (or the same package) has.
      String block = readme.substring(0, readme.indexOf(example.strip().lines().findFirst().get()));
      block = block.substring(block.lastIndexOf("```java"));
      List<String> imports = block.lines().filter(l -> l.startsWith("import ")).toList();
      assertThat(imports).as("imports of the README's %s example", name).isNotEmpty();
      for (String line : imports) {
        String type = line.substring("import ".length(), line.length() - 1);
        assertThat(source.contains(line) || type.startsWith("dev.docket.runtime.") || exists(type))
            .as("README import %s", type)
            .isTrue();
      }
    }
  }

  private static boolean exists(String type) {
    try {
      Class.forName(type);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String normalize(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .reduce("", (a, b) -> a + "\n" + b);
  }
}
