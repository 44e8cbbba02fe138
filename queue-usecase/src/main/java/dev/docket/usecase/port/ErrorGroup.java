package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import java.util.Objects;

/**
 * The jobs whose last error is of one type: how many, and the newest of them with its message, so
 * an operator reads a dead letter of thousands as a handful of causes.
 *
 * @param type the exception's class name as recorded
 * @param count how many of the jobs looked at failed last with it
 * @param latest the newest such job
 * @param message that job's error message
 */
public record ErrorGroup(String type, long count, JobId latest, String message) {
  /** Checks every part is present and the count positive. */
  public ErrorGroup {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(latest, "latest");
    Objects.requireNonNull(message, "message");
    if (count < 1) {
      throw new IllegalArgumentException("A group holds at least one job, not " + count + ".");
    }
  }
}
