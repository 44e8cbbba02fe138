package dev.docket.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.store.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WelcomeEmailsTest {
  private static final TestDatabase DB = TestDatabase.get();
  private static final String SCHEMA = DB.freshSchema("example");

  @AfterAll
  static void dropSchema() {
    DB.dropSchema(SCHEMA);
  }

  @Test
  void theApplication_sendsEveryEmail_throughDocketOnPostgres() throws Exception {
    var sent = WelcomeEmails.run(DB.options(SCHEMA).build(), List.of("Ada", "Grace", "Edsger"));

    assertThat(sent)
        .containsExactlyInAnyOrder(
            "Welcome, Ada <ada@example.com>",
            "Welcome, Grace <grace@example.com>",
            "Welcome, Edsger <edsger@example.com>");
  }

  /**
   * The jars the application ships with, as Maven resolved its runtime scope (the build writes them
   * to {@code target/runtime-classpath.txt}): Docket's runtime, the PostgreSQL store and what they
   * need, and no web server, CLI library, metrics registry or logging backend.
   */
  @Test
  void theRuntimeClasspath_holdsNoServerCliMetricsRegistryOrLoggingBackend() throws IOException {
    List<Path> paths =
        Arrays.stream(Files.readString(Path.of("target/runtime-classpath.txt")).strip().split(":"))
            .map(Path::of)
            .toList();
    List<String> jars = paths.stream().map(path -> path.getFileName().toString()).sorted().toList();
    long bytes = 0;
    for (Path path : paths) {
      bytes += Files.size(path);
    }
    System.out.printf(
        "The example's runtime classpath: %d jars, %.1f MB:%n", jars.size(), bytes / 1e6);
    jars.forEach(jar -> System.out.println("  " + jar));

    assertThat(jars)
        .anyMatch(jar -> jar.startsWith("queue-runtime-"))
        .anyMatch(jar -> jar.startsWith("queue-store-postgres-"))
        .noneMatch(jar -> jar.startsWith("queue-store-memory-"))
        .noneMatch(jar -> jar.startsWith("queue-http-") || jar.startsWith("queue-cli-"))
        .noneMatch(jar -> jar.startsWith("javalin") || jar.startsWith("jetty-"))
        .noneMatch(jar -> jar.startsWith("kotlin"))
        .noneMatch(jar -> jar.startsWith("picocli"))
        .noneMatch(jar -> jar.startsWith("micrometer-"))
        .noneMatch(jar -> jar.startsWith("logback-") || jar.startsWith("log4j-core"))
        .noneMatch(jar -> jar.startsWith("slf4j-simple") || jar.startsWith("slf4j-jdk"))
        .noneMatch(jar -> jar.startsWith("mustache") || jar.startsWith("compiler-"))
        .noneMatch(jar -> jar.startsWith("htmx") || jar.startsWith("chart.js"));
  }
}
