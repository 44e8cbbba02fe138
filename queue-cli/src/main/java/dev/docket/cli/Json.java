package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.RetryPolicy;
import dev.docket.runtime.Schedule;
import dev.docket.runtime.Schedules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code --json} prints: JSON Lines, one object per line and per thing (a job, a queue, a
 * schedule), and nothing else on stdout. A list prints one line per item and nothing when it is
 * empty; a command on one thing prints one line. Field names and state words are the HTTP API's;
 * times are ISO-8601 text, absent values {@code null}; a payload or result is embedded as the JSON
 * it is.
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Prints {@code object} as one line. */
  static void print(PrintWriter out, Map<String, ?> object) {
    try {
      out.println(MAPPER.writeValueAsString(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A job, as {@code jobs show} and the actions print it: every field. A list ({@code whole} false)
   * leaves out the payload, the result and the errors' stack traces, as the API's lists do.
   */
  static Map<String, Object> job(Job job, boolean whole) {
    var object = new LinkedHashMap<String, Object>();
    object.put("id", job.id().toString());
    object.put("queue", job.queue());
    object.put("kind", job.kind());
    object.put("state", lower(job.state()));
    object.put("priority", job.priority().value());
    object.put("attempt", job.attempt());
    object.put("maxAttempts", job.maxAttempts());
    object.put("retry", retry(job.retryPolicy()));
    object.put("runAt", text(job.runAt()));
    object.put("createdAt", text(job.createdAt()));
    object.put("updatedAt", text(job.updatedAt()));
    object.put("finishedAt", text(job.finishedAt()));
    object.put("uniqueKey", job.uniqueKey().orElse(null));
    object.put("tags", job.tags());
    object.put("cancelRequested", job.isCancelRequested());
    object.put(
        "lease",
        job.lease()
            .map(
                lease -> {
                  var view = new LinkedHashMap<String, Object>();
                  view.put("owner", lease.owner());
                  view.put("expiresAt", text(lease.expiresAt()));
                  return view;
                })
            .orElse(null));
    object.put(
        "progress",
        job.progress()
            .map(
                progress -> {
                  var view = new LinkedHashMap<String, Object>();
                  view.put("percent", progress.percent());
                  view.put("message", progress.message());
                  view.put("at", text(progress.at()));
                  return view;
                })
            .orElse(null));
    object.put("errorCount", job.errors().size());
    object.put(
        "lastError",
        job.errors().isEmpty()
            ? null
            : job.errors().getLast().type() + ": " + job.errors().getLast().message());
    if (whole) {
      object.put("payload", new RawValue(job.payload()));
      object.put("result", job.result().map(RawValue::new).orElse(null));
      object.put("errors", job.errors().stream().map(Json::error).toList());
      object.put("attempts", job.attempts().stream().map(Json::attempt).toList());
    }
    return object;
  }

  /** An ended attempt, in the API's field names. */
  private static Map<String, Object> attempt(dev.docket.domain.AttemptRecord attempt) {
    var object = new LinkedHashMap<String, Object>();
    object.put("attempt", attempt.attempt());
    object.put("node", attempt.node());
    object.put("dueAt", text(attempt.dueAt()));
    object.put("startedAt", text(attempt.startedAt()));
    object.put("endedAt", text(attempt.endedAt()));
    object.put("waitedSeconds", attempt.waited().toNanos() / 1e9);
    object.put("durationSeconds", attempt.duration().toNanos() / 1e9);
    object.put("outcome", attempt.ending().wireName());
    return object;
  }

  private static Map<String, Object> error(AttemptError error) {
    var object = new LinkedHashMap<String, Object>();
    object.put("attempt", error.attempt());
    object.put("at", text(error.at()));
    object.put("type", error.type());
    object.put("message", error.message());
    object.put("stackTrace", error.stackTrace());
    return object;
  }

  private static Map<String, Object> retry(RetryPolicy policy) {
    var object = new LinkedHashMap<String, Object>();
    switch (policy) {
      case RetryPolicy.Exponential p -> {
        object.put("policy", "exponential");
        object.put("base", p.base().toString());
        object.put("cap", p.cap().toString());
      }
      case RetryPolicy.Fixed p -> {
        object.put("policy", "fixed");
        object.put("delay", p.delay().toString());
      }
      case RetryPolicy.None p -> object.put("policy", "none");
    }
    return object;
  }

  /**
   * A queue: whether it is paused, its jobs by state with the pending ones split into due and
   * scheduled, and its oldest due job.
   */
  static Map<String, Object> queue(String name, boolean paused, QueueCounts counts) {
    var object = new LinkedHashMap<String, Object>();
    object.put("name", name);
    object.put("paused", paused);
    counts(object, counts);
    return object;
  }

  /** The counts of a queue into {@code object}, as {@code stats} and {@code queues} print them. */
  static void counts(Map<String, Object> object, QueueCounts counts) {
    for (JobState state : JobState.values()) {
      object.put(lower(state), counts.count(state));
    }
    object.put("due", counts.due());
    object.put("scheduled", counts.scheduled());
    object.put("oldestDueAt", text(counts.oldestDueAt()));
    object.put(
        "oldestDueAgeSeconds",
        counts.oldestDueAge().map(age -> age.toMillis() / 1000.0).orElse(null));
  }

  /** A schedule, as {@code schedules} prints it. */
  static Map<String, Object> schedule(Schedules.Entry entry) {
    var object = new LinkedHashMap<String, Object>();
    object.put("name", entry.name());
    object.put("trigger", entry.schedule().map(s -> trigger(s.trigger())).orElse(null));
    object.put("kind", entry.schedule().map(s -> s.job().kind()).orElse(null));
    object.put("queue", entry.schedule().map(s -> s.job().queue()).orElse(null));
    object.put("enabled", entry.enabled());
    object.put("lastSlot", text(entry.lastSlot()));
    object.put("nextSlot", text(entry.nextSlot()));
    return object;
  }

  /** A trigger as the API and the dashboard write it: {@code cron 0 3 * * * Europe/Berlin}. */
  static String trigger(Schedule.Trigger trigger) {
    return switch (trigger) {
      case Schedule.Trigger.Cron cron -> "cron " + cron.expression() + " " + cron.zone();
      case Schedule.Trigger.Every every -> "every " + every.interval();
    };
  }

  private static String text(Instant at) {
    return at.toString();
  }

  private static String text(Optional<Instant> at) {
    return at.map(Instant::toString).orElse(null);
  }
}
