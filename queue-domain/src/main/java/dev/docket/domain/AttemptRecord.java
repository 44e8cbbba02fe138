package dev.docket.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of a job that has ended: which node ran it, when it was due, when it started and
 * ended, and how it ended. A job keeps these for its timeline, the running attempt excepted (its
 * lease says the same while it runs).
 *
 * <p>A failed attempt's error is the {@link AttemptError} of the job with the same attempt number.
 * A released attempt did not count, so the next attempt has its number again.
 *
 * @param attempt the attempt's number, from 1
 * @param node the worker that ran it: the lease's owner; never blank
 * @param dueAt when the job was due to run when the worker took it
 * @param startedAt when the worker took the job
 * @param endedAt when the attempt ended
 * @param ending how it ended
 */
public record AttemptRecord(
    int attempt, String node, Instant dueAt, Instant startedAt, Instant endedAt, Ending ending) {

  /** How an attempt ended. */
  public enum Ending {
    /** The handler finished: the job completed. */
    COMPLETED,
    /** The handler failed: the job was retried or went to the dead letter; see its error. */
    FAILED,
    /**
     * The job was asked to cancel and the attempt ended it cancelled: the handler acknowledged, or
     * failed, or was given back or lost meanwhile.
     */
    CANCELLED,
    /** The worker's lease ran out before it reported: the job was rescued. */
    LEASE_EXPIRED,
    /** The worker gave the job back unfinished, as on a shutdown: the attempt did not count. */
    RELEASED;

    /** The ending as stores and the API write it: lower case, words joined by a hyphen. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The ending of a {@link #wireName()}.
     *
     * @throws IllegalArgumentException naming the text, if no ending has it
     */
    public static Ending ofWireName(String name) {
      for (Ending ending : values()) {
        if (ending.wireName().equals(name)) {
          return ending;
        }
      }
      throw new IllegalArgumentException(
          "Attempt ending %s is unknown.".formatted(Names.quote(name)));
    }
  }

  /** Validates, and keeps times to the microsecond as every job does. */
  public AttemptRecord {
    if (attempt < 1) {
      throw new IllegalArgumentException(
          "Attempt %d is out of range: attempts count from 1.".formatted(attempt));
    }
    Objects.requireNonNull(node, "node");
    if (node.isBlank()) {
      throw new IllegalArgumentException("An attempt record needs the node that ran it.");
    }
    dueAt = Times.micros(Objects.requireNonNull(dueAt, "dueAt"));
    startedAt = Times.micros(Objects.requireNonNull(startedAt, "startedAt"));
    endedAt = Times.micros(Objects.requireNonNull(endedAt, "endedAt"));
    Objects.requireNonNull(ending, "ending");
  }

  /** How long the attempt ran, from its start to its end; zero if clocks put the end first. */
  public Duration duration() {
    var ran = Duration.between(startedAt, endedAt);
    return ran.isNegative() ? Duration.ZERO : ran;
  }

  /** How long the job waited for a worker, from due to start; zero if it started on time. */
  public Duration waited() {
    var waited = Duration.between(dueAt, startedAt);
    return waited.isNegative() ? Duration.ZERO : waited;
  }
}
