package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.port.StorageException;
import org.junit.jupiter.api.Test;

class PostgresOptionsTest {
  private static final TestDatabase DB = TestDatabase.get();

  @Test
  void defaults_areTheDocumentedOnes() {
    var options = PostgresOptions.ofUrl("jdbc:postgresql://localhost/app");

    assertThat(options.schema()).isEqualTo("docket");
    assertThat(options.migrateOnStart()).isTrue();
    assertThat(options.poolSize()).isEqualTo(10);
    assertThat(options.listen()).isTrue();
    assertThat(options.warmUp()).isTrue();
    assertThat(options.connectionTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
  }

  @Test
  void aShortLivedTool_turnsTheWarmUpOff() {
    var options =
        PostgresOptions.builder().url("jdbc:postgresql://localhost/app").warmUp(false).build();

    assertThat(options.warmUp()).isFalse();
  }

  @Test
  void badValues_areRefusedAtOnce_namingTheValue() {
    assertThatThrownBy(() -> PostgresOptions.builder().url("jdbc:mysql://x/y"))
        .hasMessageContaining("'jdbc:mysql://x/y' is not a PostgreSQL JDBC URL");
    assertThatThrownBy(() -> PostgresOptions.builder().schema("Public; DROP"))
        .hasMessageContaining("Schema 'Public; DROP' is invalid");
    assertThatThrownBy(() -> PostgresOptions.builder().poolSize(0))
        .hasMessageContaining("Pool size 0");
    assertThatThrownBy(() -> PostgresOptions.builder().build())
        .hasMessageContaining("neither was given");
    assertThatThrownBy(
            () ->
                PostgresOptions.builder()
                    .url("jdbc:postgresql://localhost/app")
                    .poolSize(1)
                    .build())
        .hasMessageContaining("A pool of 1 connection cannot run the migrations");
    assertThat(
            PostgresOptions.builder()
                .url("jdbc:postgresql://localhost/app")
                .poolSize(1)
                .migrateOnStart(false)
                .build()
                .poolSize())
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                PostgresOptions.builder()
                    .url("jdbc:postgresql://localhost/app")
                    .connectionTimeout(java.time.Duration.ofMillis(10)))
        .hasMessageContaining("Connection timeout PT0.01S is out of range");
  }

  @Test
  void unreachableDatabase_failsTheStartWithAClearStorageException() {
    var options =
        PostgresOptions.builder()
            .url("jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1")
            .user("nobody")
            .listen(false)
            .build();

    assertThatThrownBy(() -> PostgresStore.start(options))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("could not connect")
        .as("the driver's reason, not the pool's wrapping of it")
        .hasMessageContaining("refused")
        .hasMessageNotContaining("Failed to initialize pool");
  }

  @Test
  void aRoleTheServerDoesNotKnow_failsTheStartWithTheServersReason_andLeavesNoPoolBehind() {
    var options =
        PostgresOptions.builder()
            .url(DB.url)
            .user("docket_no_such_role")
            .schema(DB.freshSchema("norole"))
            .listen(false)
            .build();
    java.util.function.Supplier<java.util.List<String>> pools =
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("docket-" + options.schema()))
                .toList();

    assertThatThrownBy(() -> PostgresStore.start(options))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("docket_no_such_role");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(pools.get()).as("the pool's threads").isEmpty());
  }
}
