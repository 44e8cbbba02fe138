package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.port.StorageException;
import org.junit.jupiter.api.Test;

class PostgresOptionsTest {

  @Test
  void defaults_areTheDocumentedOnes() {
    var options = PostgresOptions.ofUrl("jdbc:postgresql://localhost/app");

    assertThat(options.schema()).isEqualTo("docket");
    assertThat(options.migrateOnStart()).isTrue();
    assertThat(options.poolSize()).isEqualTo(10);
    assertThat(options.listen()).isTrue();
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
        .hasMessageContaining("could not connect");
  }
}
