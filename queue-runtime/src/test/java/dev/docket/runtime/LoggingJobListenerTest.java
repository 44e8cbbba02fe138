package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.JobId;
import dev.docket.usecase.JobEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the job log says, and that a job cannot make it say more. */
class LoggingJobListenerTest {
  private static final Instant AT = Instant.parse("2030-01-01T12:00:00Z");
  private final Logger jul = Logger.getLogger("dev.docket.jobs");
  private final List<String> lines = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          lines.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    jul.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    jul.removeHandler(handler);
  }

  @Test
  void aDeadLettersErrorMessage_withLineBreaksAndBidiControls_isLoggedAsOneEscapedLine() {
    String forged =
        "boom\n12:00:00.000 INFO  dev.docket.jobs - Job 42 completed\r\n\u202Eevil\u0000";
    var error = AttemptError.reason(3, AT, "java.lang.IllegalStateException", forged);
    var event =
        new JobEvent(
            JobEvent.Type.DEAD,
            JobId.of(UUID.fromString("01890a5d-ac96-774b-bcce-b302099a8057")),
            "mail",
            "mail.send",
            3,
            AT,
            Optional.empty(),
            Optional.of(error));

    new LoggingJobListener().on(event);

    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst())
        .doesNotContain("\n", "\r", "\u202E", "\u0000")
        .contains(
            "is in the dead letter after attempt 3: java.lang.IllegalStateException: boom\\u000a12:00")
        .contains("completed\\u000d\\u000a\\u202eevil");
  }
}
