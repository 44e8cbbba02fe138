package dev.docket.runtime;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.docket.domain.Job;
import dev.docket.domain.Names;
import dev.docket.usecase.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A recurring job: a name, when it fires, and the job each firing submits.
 *
 * <p>Each firing time is a slot. Exactly one job is made per slot however many nodes run the
 * schedule, because every slot's job carries the unique key {@code docket:schedule:<name>:<slot>}.
 * Slots up to a minute late still fire; older ones that were missed (every node was down) fire only
 * as far as {@code catchUp} allows, newest first.
 *
 * @param name the schedule's name: letters, digits, {@code _ - . :}
 * @param trigger when it fires
 * @param job the job each slot submits; its run-at becomes the slot, so it names no run-at, delay
 *     or unique key of its own
 * @param catchUp how many missed slots to fire after an outage, 0 for none
 */
public record Schedule(String name, Trigger trigger, JobRequest job, int catchUp) {
  /** The most missed slots a schedule may catch up. */
  public static final int MAX_CATCH_UP = 1_000;

  /** Validates the schedule. */
  public Schedule {
    Names.requireKind(name);
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(job, "job");
    if (job.fixesTimeOrIdentity()) {
      throw new IllegalArgumentException(
          "The job of schedule '%s' names its own run-at, delay or unique key; the schedule sets those."
              .formatted(name));
    }
    if (catchUp < 0 || catchUp > MAX_CATCH_UP) {
      throw new IllegalArgumentException(
          "Catch-up %d of schedule '%s' is out of range: use 0 to %d."
              .formatted(catchUp, name, MAX_CATCH_UP));
    }
  }

  /** A schedule on a cron expression (five fields, as in Unix cron) in {@code zone}. */
  public static Schedule cron(String name, String expression, ZoneId zone, JobRequest job) {
    return new Schedule(name, new Trigger.Cron(expression, zone), job, 0);
  }

  /** A schedule every {@code interval}, on slots aligned to the epoch so all nodes agree. */
  public static Schedule every(String name, Duration interval, JobRequest job) {
    return new Schedule(name, new Trigger.Every(interval), job, 0);
  }

  /**
   * The slot {@code job} was made for, if this schedule made it for a slot: its unique key is this
   * schedule's key for that slot.
   */
  public Optional<Instant> slotOf(Job job) {
    return job.uniqueKey().flatMap(key -> instantAfter(key, SLOT_KEY + name + ":"));
  }

  /**
   * Whether this schedule made {@code job} by hand ({@link DocketRuntime#runScheduleNow}): such
   * jobs carry a unique key of their own, made from the time they were asked for.
   */
  public boolean ranByHand(Job job) {
    return job.uniqueKey().flatMap(key -> instantAfter(key, handKeyPrefix())).isPresent();
  }

  private static final String SLOT_KEY = "docket:schedule:";

  /** The unique key of the job of {@code slot}: one job per slot however many nodes fire it. */
  String slotKey(Instant slot) {
    return SLOT_KEY + name + ":" + slot;
  }

  /**
   * The unique key of a job run by hand at {@code now}. The comma cannot be in a name, so no other
   * schedule's slot or hand-run key reads as this one's.
   */
  String handKey(Instant now) {
    return handKeyPrefix() + now;
  }

  private String handKeyPrefix() {
    return SLOT_KEY + name + ", run now at ";
  }

  /** The instant that is all of {@code key} after {@code prefix}, if there is one. */
  private static Optional<Instant> instantAfter(String key, String prefix) {
    if (!key.startsWith(prefix)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(key.substring(prefix.length())));
    } catch (java.time.format.DateTimeParseException e) {
      // Another schedule whose name starts with this one's and a colon.
      return Optional.empty();
    }
  }

  /** This schedule, catching up to {@code missed} missed slots after an outage. */
  public Schedule withCatchUp(int missed) {
    return new Schedule(name, trigger, job, missed);
  }

  /** When a schedule fires. */
  public sealed interface Trigger {
    /** The first slot strictly after {@code after}, if there is one. */
    Optional<Instant> next(Instant after);

    /**
     * A cron expression in a time zone, parsed with cron-utils.
     *
     * @param expression five fields: minute, hour, day of month, month, day of week
     * @param zone the zone the fields are read in
     */
    record Cron(String expression, ZoneId zone) implements Trigger {
      private static final CronParser PARSER =
          new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

      /** Parses the expression, so a bad one fails at once. */
      public Cron {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        executionTime(expression);
      }

      private static ExecutionTime executionTime(String expression) {
        try {
          return ExecutionTime.forCron(PARSER.parse(expression).validate());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Cron expression %s is invalid: %s"
                  .formatted(Names.quote(expression), e.getMessage()),
              e);
        }
      }

      @Override
      public Optional<Instant> next(Instant after) {
        return executionTime(expression)
            .nextExecution(ZonedDateTime.ofInstant(after, zone))
            .map(ZonedDateTime::toInstant);
      }
    }

    /**
     * A fixed interval, on slots at whole multiples of it since the epoch.
     *
     * @param interval one second to one year
     */
    record Every(Duration interval) implements Trigger {
      /** Validates the interval. */
      public Every {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0
            || interval.compareTo(Duration.ofDays(366)) > 0) {
          throw new IllegalArgumentException(
              "Interval %s is out of range: use 1 second to 1 year.".formatted(interval));
        }
      }

      @Override
      public Optional<Instant> next(Instant after) {
        long step = interval.toMillis();
        long slots = Math.floorDiv(after.toEpochMilli(), step) + 1;
        return Optional.of(Instant.ofEpochMilli(slots * step));
      }
    }
  }
}
