package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutageLogTest {
  /** A logger that keeps what it is given. */
  static final class RecordingLogger implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + MessageFormat.format(format, params));
    }
  }

  private final RecordingLogger logger = new RecordingLogger();
  private final OutageLog log = new OutageLog(logger, "Extending leases");

  @Test
  void anOutage_warnsOnce_staysQuietWhileItLasts_andSaysWhenItIsOver() {
    log.succeeded();
    for (int i = 0; i < 50; i++) {
      log.failed(new IllegalStateException("connection refused"));
    }
    log.succeeded();
    log.succeeded();

    assertThat(logger.lines)
        .filteredOn(line -> !line.startsWith("DEBUG"))
        .containsExactly(
            "WARNING Extending leases failed (connection refused); retrying, and quiet until it"
                + " works again.",
            "INFO Extending leases works again.");
    assertThat(logger.lines).filteredOn(line -> line.startsWith("DEBUG")).hasSize(49);
  }

  @Test
  void aSecondOutage_warnsAgain() {
    log.failed(new IllegalStateException("down"));
    log.succeeded();
    log.failed(new IllegalStateException("down again"));

    assertThat(logger.lines)
        .filteredOn(line -> line.startsWith("WARNING"))
        .hasSize(2)
        .last()
        .asString()
        .contains("down again");
  }
}
