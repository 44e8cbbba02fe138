package dev.docket.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The log lines of one logger while it is open. The tests' {@link System.Logger}s write to {@code
 * java.util.logging}, as no other backend is on their class path. Close it to stop listening.
 */
final class JulCapture implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private JulCapture(String name) {
    this.logger = Logger.getLogger(name);
    this.before = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  static JulCapture of(Class<?> type) {
    return new JulCapture(type.getName());
  }

  /** The lines at {@code level} or above, formatted. */
  List<String> lines(Level level) {
    var formatter = new SimpleFormatter();
    return records.stream()
        .filter(r -> r.getLevel().intValue() >= level.intValue())
        .map(formatter::formatMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(before);
  }
}
