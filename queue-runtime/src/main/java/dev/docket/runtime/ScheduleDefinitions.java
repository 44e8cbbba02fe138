package dev.docket.runtime;

import dev.docket.domain.JobSpec;
import dev.docket.domain.Names;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.PayloadCodec;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A schedule's definition as the store keeps it ({@link
 * dev.docket.usecase.port.ScheduleStates#define}): a JSON document of its trigger, catch-up and
 * job, the payload as the JSON text the schedule's jobs carry. Written with Docket's own codec
 * whatever the application's is, so every node and the {@code docket} command read it alike.
 *
 * <pre>{@code
 * {"version":1,"trigger":{"cron":"0 3 * * *","zone":"Europe/Berlin"},"catchUp":0,
 *  "job":{"kind":"report","queue":"default","payload":"{\"day\":\"today\"}","priority":50,
 *         "maxAttempts":25,"retry":{"policy":"exponential","base":"PT1S","cap":"PT1H"},
 *         "tags":[]}}
 * }</pre>
 */
final class ScheduleDefinitions {
  /** The format written; a reader refuses any other. */
  static final int VERSION = 1;

  private static final PayloadCodec JSON = JacksonPayloadCodec.create();

  private ScheduleDefinitions() {}

  /**
   * The definition of {@code schedule}, whose job {@code template} is, as the client prepared it:
   * its payload encoded with the application's codec.
   */
  static String write(Schedule schedule, JobSpec template) {
    var trigger = new LinkedHashMap<String, Object>();
    switch (schedule.trigger()) {
      case Schedule.Trigger.Cron cron -> {
        trigger.put("cron", cron.expression());
        trigger.put("zone", cron.zone().getId());
      }
      case Schedule.Trigger.Every every -> trigger.put("every", every.interval().toString());
    }
    var retry = new LinkedHashMap<String, Object>();
    switch (template.retryPolicy()) {
      case RetryPolicy.Exponential p -> {
        retry.put("policy", "exponential");
        retry.put("base", p.base().toString());
        retry.put("cap", p.cap().toString());
      }
      case RetryPolicy.Fixed p -> {
        retry.put("policy", "fixed");
        retry.put("delay", p.delay().toString());
      }
      case RetryPolicy.None p -> retry.put("policy", "none");
    }
    var job = new LinkedHashMap<String, Object>();
    job.put("kind", template.kind());
    job.put("queue", template.queue());
    job.put("payload", template.payload());
    job.put("priority", template.priority().value());
    job.put("maxAttempts", template.maxAttempts());
    job.put("retry", retry);
    job.put("tags", template.tags());
    var definition = new LinkedHashMap<String, Object>();
    definition.put("version", VERSION);
    definition.put("trigger", trigger);
    definition.put("catchUp", schedule.catchUp());
    definition.put("job", job);
    return JSON.encode(definition);
  }

  /**
   * The schedule {@code text} defines, its job made from the stored payload text.
   *
   * @throws IllegalArgumentException saying what is wrong, if the text is not a definition this
   *     version reads
   */
  static Schedule read(String name, String text) {
    try {
      Map<?, ?> definition = JSON.decode(text, Map.class);
      if (!Integer.valueOf(VERSION).equals(definition.get("version"))) {
        throw new IllegalArgumentException(
            "it has version %s, and this Docket reads version %d: a newer Docket wrote it"
                .formatted(definition.get("version"), VERSION));
      }
      Map<?, ?> trigger = map(definition, "trigger");
      Map<?, ?> job = map(definition, "job");
      Map<?, ?> retry = map(job, "retry");
      var request =
          JobRequest.ofJson(text(job, "kind"), text(job, "payload"))
              .queue(text(job, "queue"))
              .priority(Priority.of(number(job, "priority")))
              .maxAttempts(number(job, "maxAttempts"))
              .retryPolicy(retry(retry))
              .tags(((List<?>) job.get("tags")).stream().map(String::valueOf).toList())
              .build();
      Schedule.Trigger when =
          trigger.containsKey("every")
              ? new Schedule.Trigger.Every(Duration.parse(text(trigger, "every")))
              : new Schedule.Trigger.Cron(text(trigger, "cron"), ZoneId.of(text(trigger, "zone")));
      return new Schedule(name, when, request, number(definition, "catchUp"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "The stored definition of schedule %s cannot be read: %s."
              .formatted(Names.quote(name), e.getMessage()),
          e);
    }
  }

  private static RetryPolicy retry(Map<?, ?> retry) {
    return switch (text(retry, "policy")) {
      case "exponential" ->
          RetryPolicy.exponential(
              Duration.parse(text(retry, "base")), Duration.parse(text(retry, "cap")));
      case "fixed" -> RetryPolicy.fixed(Duration.parse(text(retry, "delay")));
      case "none" -> RetryPolicy.none();
      default ->
          throw new IllegalArgumentException(
              "retry policy %s is unknown".formatted(Names.quote(text(retry, "policy"))));
    };
  }

  private static Map<?, ?> map(Map<?, ?> parent, String key) {
    if (parent.get(key) instanceof Map<?, ?> child) {
      return child;
    }
    throw new IllegalArgumentException("field " + key + " is not an object");
  }

  private static String text(Map<?, ?> parent, String key) {
    if (parent.get(key) instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException("field " + key + " is not text");
  }

  private static int number(Map<?, ?> parent, String key) {
    if (parent.get(key) instanceof Integer number) {
      return number;
    }
    throw new IllegalArgumentException("field " + key + " is not a whole number");
  }

  /** The definition of {@code text}, or empty if it cannot be read. */
  static Optional<Schedule> tryRead(String name, String text) {
    try {
      return Optional.of(read(name, text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
