package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.PayloadCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The handler example of README.md, run as written. */
class ReadmeExampleTest {
  interface Mailer {
    void send(String to, String text);
  }

  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final Mailer mailer = (to, text) -> sent.add(to + ": " + text);

  // README example begins
  record WelcomeEmail(String to, String name) {}

  static final JobType<WelcomeEmail> WELCOME = JobType.of("email.welcome", WelcomeEmail.class);

  void run() {
    JobStorage storage = MemoryStore.create(); // or the PostgreSQL store
    PayloadCodec json = JacksonPayloadCodec.create();
    InstantSource clock = InstantSource.system();
    RandomGenerator random = ThreadLocalRandom.current();

    HandlerRegistry handlers =
        new HandlerRegistry()
            .register(
                WELCOME,
                (email, context) -> {
                  context.throwIfCancellationRequested();
                  // Throwing fails this attempt: it is retried with backoff, then dead-lettered.
                  mailer.send(email.to(), "Welcome, " + email.name());
                });

    JobClient client = new JobClient(storage, json, clock, random);
    client.submit(
        JobRequest.of(WELCOME, new WelcomeEmail("ada@example.com", "Ada"))
            .queue("mail")
            .priority(Priority.HIGH)
            .uniqueKey("welcome-ada")
            .build());

    var options = ProcessorOptions.of("worker-1");
    JobProcessor worker = new JobProcessor(storage, handlers, json, clock, random, options);
    worker.processBatch("mail", 10);
    // README example ends

    assertThat(client.stats().get(0).count(JobState.COMPLETED)).isEqualTo(1);
  }

  @Test
  void readmeExample_sendsTheEmail_andCompletesTheJob() {
    run();

    assertThat(sent).containsExactly("ada@example.com: Welcome, Ada");
  }

  @Test
  void readme_showsExactlyTheExampleThisTestRuns() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/docket/scenarios/ReadmeExampleTest.java"));
    String example =
        source.substring(
            source.indexOf("\n", source.indexOf("// README example begins")) + 1,
            source.indexOf("    // README example ends"));
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
