package dev.docket.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.BulkResult;
import dev.docket.usecase.JobFilter;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RunningQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What the JSON API does, free of HTTP: each method takes the request's parsed parts and returns
 * the response body, or throws. {@link DocketServer} maps paths and methods onto these and
 * exceptions onto statuses.
 */
final class ApiRoutes {
  /** The most jobs one bulk request may enqueue. */
  static final int MAX_BULK = 10_000;

  /** The most jobs one bulk action may name by id. */
  static final int MAX_IDS = dev.docket.usecase.JobClient.MAX_BULK;

  /** The parameters that filter jobs: of a list, a count, the error groups or a bulk action. */
  static final Set<String> FILTER_PARAMETERS =
      Set.of(
          "state",
          "queue",
          "kind",
          "tag",
          "error",
          "createdFrom",
          "createdBefore",
          "payload",
          "id");

  private static Set<String> union(Set<String> names, String... more) {
    var all = new java.util.HashSet<>(names);
    all.addAll(List.of(more));
    return Set.copyOf(all);
  }

  /** The most running jobs {@code /api/nodes} lists per node: the longest-running. */
  static final int RUNNING_PER_NODE = 100;

  private static final Set<String> LIST_PARAMETERS = union(FILTER_PARAMETERS, "cursor", "limit");

  /** How many of a filter's newest matches the error groups look at. */
  static final long ERROR_SCAN = 10_000;

  /** The most error groups one answer holds. */
  static final int ERROR_GROUPS = 50;

  /** Counts stop here: a count over millions costs no more than this many rows. */
  static final long COUNT_CAP = 100_000;

  private static final Set<String> EVENT_PARAMETERS =
      Set.of("queue", "kind", "jobId", "tag", "stats", "changes");

  /** The most values of one filter parameter of {@code /api/events}. */
  static final int MAX_EVENT_FILTER_VALUES = 100;

  private static final String CURSOR_PREFIX = "docket1:";

  // A previous-page cursor: the prefix, this word, and the first id of the page it leads back from.
  private static final String BEFORE = "before:";

  private final DocketRuntime runtime;
  private final InstantSource clock;

  ApiRoutes(DocketRuntime runtime, InstantSource clock) {
    this.runtime = runtime;
    this.clock = clock;
  }

  // ---- Jobs ------------------------------------------------------------------------------

  ApiJson.JobView enqueue(byte[] body) {
    var request = ApiJson.read(body, ApiJson.EnqueueRequest.class);
    Job job = runtime.client().submit(toJobRequest(request, ""));
    return ApiJson.job(job, true);
  }

  List<ApiJson.JobView> enqueueBulk(byte[] body) {
    var bulk = ApiJson.read(body, ApiJson.BulkRequest.class);
    if (bulk.jobs() == null || bulk.jobs().isEmpty()) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_JOB,
          "Field jobs is missing or empty: send an array of 1 to 10000 jobs.");
    }
    if (bulk.jobs().size() > MAX_BULK) {
      throw new ApiException(
          413,
          ErrorCode.TOO_MANY_JOBS,
          "The request has %d jobs, more than the %d one request may enqueue: split it."
              .formatted(bulk.jobs().size(), MAX_BULK));
    }
    var requests = new ArrayList<JobRequest>(bulk.jobs().size());
    for (int i = 0; i < bulk.jobs().size(); i++) {
      requests.add(toJobRequest(bulk.jobs().get(i), "Job [%d]: ".formatted(i)));
    }
    return runtime.client().submitAll(requests).stream().map(j -> ApiJson.job(j, false)).toList();
  }

  ApiJson.JobView get(String id) {
    return ApiJson.job(runtime.client().get(jobId(id)), true);
  }

  ApiJson.JobPageView list(Map<String, List<String>> parameters) {
    JobPage page = runtime.client().list(query(parameters, LIST_PARAMETERS, clock.instant()));
    return new ApiJson.JobPageView(
        page.jobs().stream().map(j -> ApiJson.job(j, false)).toList(),
        page.nextAfterId().map(ApiRoutes::cursor).orElse(null),
        page.previousBeforeId().map(ApiRoutes::previousCursor).orElse(null));
  }

  ApiJson.CountView count(Map<String, List<String>> parameters) {
    long count =
        runtime.client().count(query(parameters, FILTER_PARAMETERS, clock.instant()), COUNT_CAP);
    return new ApiJson.CountView(count, count >= COUNT_CAP);
  }

  /** The filter's newest failing and failed jobs, grouped by their last error's type. */
  List<ApiJson.ErrorGroupView> errorGroups(Map<String, List<String>> parameters) {
    return runtime
        .client()
        .errorGroups(
            query(parameters, FILTER_PARAMETERS, clock.instant()), ERROR_GROUPS, ERROR_SCAN)
        .stream()
        .map(
            g ->
                new ApiJson.ErrorGroupView(g.type(), g.count(), g.latest().toString(), g.message()))
        .toList();
  }

  /**
   * Retries, cancels or deletes the jobs a request names by id, or one page of the jobs its filter
   * matches; the response's cursor continues the filter.
   */
  ApiJson.BulkResultView act(BulkResult.Action action, byte[] body) {
    var request = ApiJson.read(body, ApiJson.BulkActionRequest.class);
    boolean byIds = request.ids() != null;
    boolean byFilter = request.filter() != null;
    if (byIds == byFilter) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_REQUEST,
          "Name the jobs either by ids (\"ids\": [...]) or by a filter (\"filter\": {...}),"
              + " not both and not neither.");
    }
    BulkResult result;
    if (byIds) {
      if (request.cursor() != null || request.limit() != null) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_REQUEST,
            "Fields cursor and limit go with a filter; a request by ids acts on all its ids.");
      }
      if (request.ids().isEmpty()) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_REQUEST, "Field ids is empty: name 1 to %d jobs.".formatted(MAX_IDS));
      }
      if (request.ids().size() > MAX_IDS) {
        throw new ApiException(
            413,
            ErrorCode.TOO_MANY_JOBS,
            "The request names %d jobs, more than the %d one request may act on: split it."
                .formatted(request.ids().size(), MAX_IDS));
      }
      var ids = new ArrayList<JobId>(request.ids().size());
      for (String id : request.ids()) {
        if (id == null) {
          throw ApiException.badRequest(ErrorCode.INVALID_ID, "Field ids holds a null.");
        }
        ids.add(jobId(id));
      }
      result = runtime.client().act(action, ids);
    } else {
      if (request.filter().isEmpty()) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_REQUEST,
            "The filter is empty, so it would match every job: name at least one of %s."
                .formatted(String.join(", ", new TreeSet<>(FILTER_PARAMETERS))));
      }
      var parameters = new LinkedHashMap<String, List<String>>();
      request
          .filter()
          .forEach(
              (name, value) -> {
                if (value == null || value.isEmpty()) {
                  throw ApiException.badRequest(
                      ErrorCode.INVALID_PARAMETER,
                      "Filter %s is empty; leave it out instead.".formatted(Names.quote(name)));
                }
                parameters.put(name, List.of(value));
              });
      var builder =
          JobQuery.builder()
              .limit(request.limit() == null ? JobQuery.DEFAULT_LIMIT : limit(request.limit()));
      JobQuery query = query(parameters, FILTER_PARAMETERS, clock.instant(), builder);
      if (request.cursor() != null) {
        query = query.after(afterCursor(request.cursor()));
      }
      result = runtime.client().act(action, query);
    }
    return ApiJson.bulkResult(result, result.nextAfterId().map(ApiRoutes::cursor).orElse(null));
  }

  private static int limit(int limit) {
    if (limit < 1 || limit > JobQuery.MAX_LIMIT) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PARAMETER,
          "Field limit is %d, not from 1 to %d.".formatted(limit, JobQuery.MAX_LIMIT));
    }
    return limit;
  }

  ApiJson.JobView cancel(String id) {
    return ApiJson.job(runtime.client().cancel(jobId(id)), true);
  }

  ApiJson.JobView retry(String id) {
    return ApiJson.job(runtime.client().retry(jobId(id)), true);
  }

  ApiJson.JobView rerun(String id) {
    return ApiJson.job(runtime.client().rerun(jobId(id)), true);
  }

  ApiJson.JobView delete(String id) {
    return ApiJson.job(runtime.client().delete(jobId(id)), true);
  }

  /**
   * What a bulk action acted on, for its audit entry: the ids it named (their number, and the first
   * few) or its filter, and how many jobs changed and were skipped.
   */
  static String bulkTarget(byte[] body, ApiJson.BulkResultView result) {
    var request = ApiJson.read(body, ApiJson.BulkActionRequest.class);
    String named;
    if (request.ids() != null) {
      List<String> ids = request.ids();
      named =
          "%d id(s) %s%s"
              .formatted(
                  ids.size(),
                  String.join(", ", ids.subList(0, Math.min(ids.size(), 20))),
                  ids.size() > 20 ? ", …" : "");
    } else {
      named = "filter " + new java.util.TreeMap<>(request.filter());
    }
    return "%s: %d changed, %d skipped"
        .formatted(named, result.changed().size(), result.skipped().size());
  }

  // ---- Audit -----------------------------------------------------------------------------

  /** The most audit entries one page holds unless asked for fewer. */
  static final int DEFAULT_AUDIT_LIMIT = 100;

  private static final Set<String> AUDIT_PARAMETERS = Set.of("limit", "before");

  private static final Set<String> HISTORY_PARAMETERS = Set.of("range", "queue", "kind");

  /**
   * The cluster's history of attempts over {@code range} (hour, the default; day; week), of one
   * queue and kind when given.
   */
  ApiJson.HistoryView history(Map<String, List<String>> parameters) {
    for (String name : parameters.keySet()) {
      if (!HISTORY_PARAMETERS.contains(name)) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter %s is unknown here: use range, queue and kind."
                .formatted(Names.quote(name)));
      }
    }
    String rangeText = single(parameters, "range");
    dev.docket.runtime.ClusterHistory.Range range;
    try {
      range =
          rangeText == null || rangeText.isEmpty()
              ? dev.docket.runtime.ClusterHistory.Range.HOUR
              : dev.docket.runtime.ClusterHistory.Range.parse(rangeText);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
    var queue =
        java.util.Optional.ofNullable(single(parameters, "queue")).filter(q -> !q.isEmpty());
    var kind = java.util.Optional.ofNullable(single(parameters, "kind")).filter(k -> !k.isEmpty());
    try {
      queue.ifPresent(Names::requireQueue);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_QUEUE, e.getMessage());
    }
    try {
      kind.ifPresent(Names::requireKind);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
    return ApiJson.HistoryView.of(runtime.history().view(range, queue, kind));
  }

  /** A page of the audit log, newest first; {@code before} is the previous page's last id. */
  ApiJson.AuditPageView audit(Map<String, List<String>> parameters) {
    for (String name : parameters.keySet()) {
      if (!AUDIT_PARAMETERS.contains(name)) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter %s is unknown here: use limit and before.".formatted(Names.quote(name)));
      }
    }
    int limit = DEFAULT_AUDIT_LIMIT;
    String limitText = single(parameters, "limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > dev.docket.usecase.port.AuditLog.MAX_LIMIT) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter limit is %s, not a number from 1 to %d."
                .formatted(Names.quote(limitText), dev.docket.usecase.port.AuditLog.MAX_LIMIT));
      }
    }
    long before = Long.MAX_VALUE;
    String beforeText = single(parameters, "before");
    if (beforeText != null) {
      try {
        before = Long.parseLong(beforeText);
      } catch (NumberFormatException e) {
        before = 0;
      }
      if (before < 1) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter before is %s, not the id of an audit entry (a whole number from 1)."
                .formatted(Names.quote(beforeText)));
      }
    }
    var entries = runtime.store().auditLog().list(limit, before);
    var views =
        entries.stream()
            .map(
                e ->
                    new ApiJson.AuditEntryView(
                        Long.toString(e.id()),
                        e.at(),
                        e.actor(),
                        e.action(),
                        e.target(),
                        e.status()))
            .toList();
    String next =
        entries.size() == limit ? Long.toString(entries.get(entries.size() - 1).id()) : null;
    return new ApiJson.AuditPageView(views, next);
  }

  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PARAMETER,
          "Parameter %s is given %d times: give it once.".formatted(name, values.size()));
    }
    return values.get(0);
  }

  // ---- Queues ----------------------------------------------------------------------------

  List<ApiJson.QueueView> queues() {
    Map<String, QueueStats> stats = new LinkedHashMap<>();
    runtime.stats().forEach(s -> stats.put(s.queue(), s));
    Set<String> paused = runtime.pausedQueues();
    var names = new TreeSet<String>(stats.keySet());
    names.addAll(runtime.options().queues().keySet());
    names.addAll(paused);
    Map<String, Integer> busy = runtime.busy();
    Map<String, List<String>> servedBy = servedBy(runtime.nodes());
    Instant now = clock.instant();
    return names.stream()
        .map(name -> view(name, stats.get(name), paused.contains(name), busy, servedBy, now))
        .toList();
  }

  /** Per queue, the live nodes that serve it, by name. */
  private static Map<String, List<String>> servedBy(List<Node> nodes) {
    var served = new java.util.HashMap<String, List<String>>();
    for (Node node : nodes) {
      node.queues()
          .keySet()
          .forEach(q -> served.computeIfAbsent(q, n -> new ArrayList<>()).add(node.name()));
    }
    return served;
  }

  ApiJson.QueueView queue(String name) {
    requireQueue(name);
    return queues().stream()
        .filter(q -> q.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "There is no queue %s: it has no jobs, and this node does not serve it."
                        .formatted(Names.quote(name))));
  }

  ApiJson.QueueView pause(String name) {
    runtime.pause(requireQueue(name));
    return viewOf(name, true);
  }

  ApiJson.QueueView resume(String name) {
    runtime.resume(requireQueue(name));
    return viewOf(name, false);
  }

  private ApiJson.QueueView viewOf(String name, boolean paused) {
    QueueStats stats =
        runtime.stats().stream().filter(s -> s.queue().equals(name)).findFirst().orElse(null);
    return view(name, stats, paused, runtime.busy(), servedBy(runtime.nodes()), clock.instant());
  }

  private ApiJson.QueueView view(
      String name,
      QueueStats stats,
      boolean paused,
      Map<String, Integer> busy,
      Map<String, List<String>> servedBy,
      Instant now) {
    List<String> nodes = servedBy.getOrDefault(name, List.of());
    long due = stats == null ? 0 : stats.due();
    return new ApiJson.QueueView(
        name,
        paused,
        runtime.options().queues().get(name),
        busy.get(name),
        ApiJson.counts(stats),
        stats == null ? 0 : stats.due(),
        stats == null ? 0 : stats.count(JobState.PENDING) - stats.due(),
        stats == null ? null : stats.oldestDueAt().orElse(null),
        stats == null ? null : stats.oldestDueAge(now).map(age -> age.toNanos() / 1e9).orElse(null),
        List.copyOf(nodes),
        due > 0 && nodes.isEmpty());
  }

  // ---- Nodes -----------------------------------------------------------------------------

  /**
   * Every node seen lately, by name, with the queues it serves, the kinds it runs, its busy
   * handlers and the jobs it runs now: one read of the nodes and one of their running jobs.
   */
  List<ApiJson.NodeView> nodes() {
    return nodes(true);
  }

  /**
   * Every node seen lately, as {@link #nodes()} shows them, with their running jobs only if {@code
   * withRunning}: the overview shows none, and so reads none.
   */
  List<ApiJson.NodeView> nodes(boolean withRunning) {
    String self = runtime.options().owner();
    List<Node> nodes = runtime.nodes();
    var byOwner = new java.util.HashMap<String, List<Job>>();
    if (withRunning && !nodes.isEmpty()) {
      // One more than shown, to tell a node that runs exactly the limit from one that runs more.
      var query =
          new RunningQuery(
              nodes.stream().map(Node::name).collect(Collectors.toSet()), RUNNING_PER_NODE + 1);
      for (Job job : runtime.storage().running(query)) {
        byOwner.computeIfAbsent(job.lease().orElseThrow().owner(), o -> new ArrayList<>()).add(job);
      }
    }
    Instant now = clock.instant();
    return nodes.stream()
        .map(
            node -> {
              List<Job> running = byOwner.getOrDefault(node.name(), List.of());
              boolean more = running.size() > RUNNING_PER_NODE;
              return ApiJson.node(
                  node, self, more ? running.subList(0, RUNNING_PER_NODE) : running, more, now);
            })
        .toList();
  }

  // ---- Schedules -------------------------------------------------------------------------

  List<ApiJson.ScheduleView> schedules() {
    return runtime.schedules().stream().map(this::view).toList();
  }

  ApiJson.ScheduleView schedule(String name) {
    return runtime.schedules().stream()
        .filter(v -> v.schedule().name().equals(name))
        .findFirst()
        .map(this::view)
        .orElseThrow(() -> noSchedule(name));
  }

  ApiJson.ScheduleView setEnabled(String name, boolean enabled) {
    schedule(name);
    runtime.setScheduleEnabled(name, enabled);
    return schedule(name);
  }

  ApiJson.JobView runNow(String name) {
    schedule(name);
    return ApiJson.job(runtime.runScheduleNow(name), true);
  }

  private static ApiException noSchedule(String name) {
    return ApiException.notFound("There is no schedule %s.".formatted(Names.quote(name)));
  }

  /** How many next slots a schedule shows. */
  static final int NEXT_SLOTS = 5;

  /** How many of a schedule's runs its history shows. */
  static final int RECENT_RUNS = 20;

  /**
   * How many of the newest jobs of a schedule's kind and queue its history reads at most. The store
   * has no filter on unique keys, so the history reads the kind and queue's newest jobs and keeps
   * the schedule's: bounded, at the price of missing runs older than this many jobs of the kind.
   */
  static final int RUNS_SCANNED = 1_000;

  private static final int RUNS_PAGE = 200;

  private ApiJson.ScheduleView view(DocketRuntime.ScheduleView view) {
    Schedule schedule = view.schedule();
    String trigger =
        switch (schedule.trigger()) {
          case Schedule.Trigger.Cron cron -> "cron " + cron.expression() + " " + cron.zone();
          case Schedule.Trigger.Every every -> "every " + every.interval();
        };
    var nextSlots = new java.util.ArrayList<Instant>();
    Instant slot = view.nextSlot().orElse(null);
    while (slot != null && nextSlots.size() < NEXT_SLOTS) {
      nextSlots.add(slot);
      slot = schedule.trigger().next(slot).orElse(null);
    }
    return new ApiJson.ScheduleView(
        schedule.name(),
        trigger,
        CronWords.describe(schedule.trigger()),
        schedule.job().kind(),
        schedule.job().queue(),
        view.enabled(),
        view.lastSlot().orElse(null),
        view.nextSlot().orElse(null),
        List.copyOf(nextSlots));
  }

  /**
   * The newest {@value #RECENT_RUNS} jobs the schedule made, for its slots or by hand, newest
   * first: those among the newest {@value #RUNS_SCANNED} jobs of its kind and queue.
   */
  List<ApiJson.ScheduleRunView> scheduleRuns(String name) {
    Schedule schedule =
        runtime.schedules().stream()
            .map(DocketRuntime.ScheduleView::schedule)
            .filter(s -> s.name().equals(name))
            .findFirst()
            .orElseThrow(() -> noSchedule(name));
    var runs = new java.util.ArrayList<ApiJson.ScheduleRunView>();
    JobQuery query =
        JobQuery.builder()
            .kind(schedule.job().kind())
            .queue(schedule.job().queue())
            .limit(RUNS_PAGE)
            .build();
    for (int read = 0; read < RUNS_SCANNED && runs.size() < RECENT_RUNS; read += RUNS_PAGE) {
      JobPage page = runtime.client().list(query);
      for (var job : page.jobs()) {
        var slot = schedule.slotOf(job);
        if ((slot.isPresent() || schedule.ranByHand(job)) && runs.size() < RECENT_RUNS) {
          runs.add(new ApiJson.ScheduleRunView(slot.orElse(null), ApiJson.job(job, false)));
        }
      }
      if (page.nextAfterId().isEmpty()) {
        break;
      }
      query = query.after(page.nextAfterId().get());
    }
    return List.copyOf(runs);
  }

  // ---- Parsing ---------------------------------------------------------------------------

  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_ID, "%s is not a job id: ids are UUIDs.".formatted(Names.quote(text)));
    }
  }

  private static String requireQueue(String name) {
    try {
      return Names.requireQueue(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_QUEUE, e.getMessage());
    }
  }

  /**
   * What an event stream sends: the changes its filter passes (unless {@code changes} is false)
   * and, if the filter asks, the statistics.
   */
  record EventRequest(JobFilter filter, boolean changes) {}

  /**
   * The filter of an event stream from its URL parameters: each of queue, kind, jobId and tag may
   * be given several times (any of them passes); stats and changes are true or false.
   */
  static EventRequest eventFilter(Map<String, List<String>> parameters) {
    for (var entry : parameters.entrySet()) {
      if (!EVENT_PARAMETERS.contains(entry.getKey())) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Unknown parameter %s; the parameters are %s."
                .formatted(
                    Names.quote(entry.getKey()),
                    String.join(", ", new TreeSet<>(EVENT_PARAMETERS))));
      }
      if (entry.getValue().size() > MAX_EVENT_FILTER_VALUES) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter %s is given %d times, more than %d."
                .formatted(entry.getKey(), entry.getValue().size(), MAX_EVENT_FILTER_VALUES));
      }
    }
    boolean withStats = flag(parameters, "stats", false);
    boolean changes = flag(parameters, "changes", true);
    try {
      var filter =
          new JobFilter(
              names(parameters, "queue", Names::requireQueue),
              names(parameters, "kind", Names::requireKind),
              parameters.getOrDefault("jobId", List.of()).stream()
                  .map(ApiRoutes::jobId)
                  .collect(Collectors.toSet()),
              names(parameters, "tag", Names::requireTag),
              withStats);
      return new EventRequest(filter, changes);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
  }

  private static boolean flag(Map<String, List<String>> parameters, String name, boolean absent) {
    List<String> values = parameters.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PARAMETER,
          "Parameter %s is given %d times; give it once.".formatted(name, values.size()));
    }
    if (values.isEmpty()) {
      return absent;
    }
    return switch (values.get(0)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw ApiException.badRequest(
              ErrorCode.INVALID_PARAMETER,
              "Parameter %s is %s, not true or false.".formatted(name, Names.quote(values.get(0))));
    };
  }

  private static Set<String> names(
      Map<String, List<String>> parameters, String name, UnaryOperator<String> check) {
    return parameters.getOrDefault(name, List.of()).stream().map(check).collect(Collectors.toSet());
  }

  static String cursor(JobId after) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + after).getBytes(StandardCharsets.US_ASCII));
  }

  /** The cursor of the page before the one starting at {@code before}. */
  static String previousCursor(JobId before) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + BEFORE + before).getBytes(StandardCharsets.US_ASCII));
  }

  /** Continues {@code builder} at a page's cursor: its next page's, or its previous page's. */
  private static void cursor(String cursor, JobQuery.Builder builder) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (text.startsWith(CURSOR_PREFIX + BEFORE)) {
        builder.beforeId(
            JobId.of(UUID.fromString(text.substring((CURSOR_PREFIX + BEFORE).length()))));
        return;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the next-page cursor, which says what is wrong
    }
    builder.afterId(afterCursor(cursor));
  }

  /**
   * The job a next-page cursor continues after. A previous-page cursor is refused here: bulk
   * actions walk a filter forward only.
   */
  static JobId afterCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (text.startsWith(CURSOR_PREFIX)) {
        return JobId.of(UUID.fromString(text.substring(CURSOR_PREFIX.length())));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw ApiException.badRequest(
        ErrorCode.INVALID_CURSOR,
        Names.quote(cursor)
            + " is not a cursor of this API: pass back the nextCursor (or, to list, the"
            + " previousCursor) of a page.");
  }

  /**
   * A job query from URL parameters; unknown or repeated parameters are refused. A state may be a
   * state's name, {@code dead} for failed, or {@code due} or {@code scheduled}: the pending jobs
   * whose run-at is at or before {@code now}, or after it.
   */
  static JobQuery query(Map<String, List<String>> parameters, Instant now) {
    return query(parameters, LIST_PARAMETERS, now);
  }

  private static JobQuery query(
      Map<String, List<String>> parameters, Set<String> allowed, Instant now) {
    return query(parameters, allowed, now, JobQuery.builder());
  }

  private static JobQuery query(
      Map<String, List<String>> parameters,
      Set<String> allowed,
      Instant now,
      JobQuery.Builder builder) {
    for (var entry : parameters.entrySet()) {
      if (!allowed.contains(entry.getKey())) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Unknown parameter %s; the parameters are %s."
                .formatted(Names.quote(entry.getKey()), String.join(", ", new TreeSet<>(allowed))));
      }
      if (entry.getValue().size() > 1) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter %s is given %d times; give it once."
                .formatted(entry.getKey(), entry.getValue().size()));
      }
    }
    try {
      one(parameters, "state").ifPresent(s -> state(s, builder, now));
      one(parameters, "queue").ifPresent(builder::queue);
      one(parameters, "kind").ifPresent(builder::kind);
      one(parameters, "tag").ifPresent(builder::tag);
      one(parameters, "error").ifPresent(builder::errorType);
      one(parameters, "createdFrom").ifPresent(t -> builder.createdFrom(instant("createdFrom", t)));
      one(parameters, "createdBefore")
          .ifPresent(t -> builder.createdBefore(instant("createdBefore", t)));
      one(parameters, "payload").ifPresent(builder::payloadContains);
      one(parameters, "id").ifPresent(builder::idSuffix);
      one(parameters, "cursor").ifPresent(c -> cursor(c, builder));
      one(parameters, "limit").ifPresent(l -> builder.limit(limit(l)));
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_PARAMETER, e.getMessage());
    }
  }

  private static java.util.Optional<String> one(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null || values.isEmpty() || values.get(0).isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(values.get(0));
  }

  /** The words a state filter takes, besides the states' own names. */
  static final String STATE_WORDS =
      "pending, due, scheduled, running, completed, failed (or dead), cancelled";

  static JobState state(String text) {
    if (text.equalsIgnoreCase("dead")) {
      return JobState.FAILED;
    }
    for (JobState state : JobState.values()) {
      if (state.name().equalsIgnoreCase(text)) {
        return state;
      }
    }
    throw ApiException.badRequest(
        ErrorCode.INVALID_PARAMETER,
        "State %s is not one of %s.".formatted(Names.quote(text), STATE_WORDS));
  }

  /** Puts a state filter on {@code builder}: a state, or due or scheduled at {@code now}. */
  private static void state(String text, JobQuery.Builder builder, Instant now) {
    if (text.equalsIgnoreCase("due")) {
      builder.due(now);
    } else if (text.equalsIgnoreCase("scheduled")) {
      builder.scheduled(now);
    } else {
      builder.state(state(text));
    }
  }

  private static Instant instant(String name, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PARAMETER,
          "Parameter %s is %s, not an ISO-8601 instant such as 2030-01-31T09:00:00Z."
              .formatted(name, Names.quote(text)));
    }
  }

  private static int limit(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PARAMETER,
          "Parameter limit is %s, not a whole number from 1 to %d."
              .formatted(Names.quote(text), JobQuery.MAX_LIMIT));
    }
  }

  /** Turns one enqueue request into a job request, or says what is wrong with it. */
  static JobRequest toJobRequest(ApiJson.EnqueueRequest r, String prefix) {
    if (r == null) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_JOB, prefix + "The job is null: send an object.");
    }
    if (r.kind() == null) {
      throw ApiException.badRequest(ErrorCode.INVALID_JOB, prefix + "Field kind is missing.");
    }
    String payload = payloadJson(r.payload(), prefix);
    try {
      var builder = JobRequest.ofJson(r.kind(), payload);
      if (r.queue() != null) {
        builder.queue(r.queue());
      }
      if (r.priority() != null) {
        builder.priority(priority(r.priority()));
      }
      if (r.runAt() != null && r.delay() != null) {
        throw new IllegalArgumentException(
            "Fields runAt and delay both say when to run: give one of them.");
      }
      if (r.runAt() != null) {
        builder.runAt(r.runAt());
      }
      if (r.delay() != null) {
        builder.delay(r.delay());
      }
      if (r.maxAttempts() != null) {
        builder.maxAttempts(r.maxAttempts());
      }
      if (r.uniqueKey() != null) {
        builder.uniqueKey(r.uniqueKey());
      }
      if (r.tags() != null) {
        if (r.tags().contains(null)) {
          throw new IllegalArgumentException("Field tags holds a null: tags are strings.");
        }
        builder.tags(r.tags());
      }
      if (r.retry() != null) {
        builder.retryPolicy(retry(r.retry()));
      }
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_JOB, prefix + e.getMessage());
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_JOB,
          prefix
              + "A time or duration is out of range: run-at times go from %s to %s, delays up to %s."
                  .formatted(JobSpec.MIN_RUN_AT, JobSpec.MAX_RUN_AT, JobRequest.MAX_DELAY));
    }
  }

  private static String payloadJson(JsonNode payload, String prefix) {
    if (payload == null || payload.isMissingNode()) {
      return "{}";
    }
    String json;
    try {
      json = ApiJson.MAPPER.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_PAYLOAD, prefix + "The payload cannot be written.");
    }
    requireStorable(payload, prefix);
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > JobSpec.MAX_PAYLOAD_BYTES) {
      throw new ApiException(
          413,
          ErrorCode.PAYLOAD_TOO_LARGE,
          prefix
              + "The payload has %d bytes of JSON, more than the %d a job may carry."
                  .formatted(bytes, JobSpec.MAX_PAYLOAD_BYTES));
    }
    return json;
  }

  /**
   * Refuses text no store can hold, a NUL or a lone surrogate, here where the job's index in a bulk
   * is still known (the codec would say the same later, but not which job).
   */
  private static void requireStorable(JsonNode node, String prefix) {
    if (node.isTextual()) {
      requireStorable(node.textValue(), prefix);
    } else if (node.isContainerNode()) {
      for (var fields = node.fields(); fields.hasNext(); ) {
        var field = fields.next();
        requireStorable(field.getKey(), prefix);
        requireStorable(field.getValue(), prefix);
      }
      if (node.isArray()) {
        for (JsonNode element : node) {
          requireStorable(element, prefix);
        }
      }
    }
  }

  private static void requireStorable(String text, String prefix) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        throw ApiException.badRequest(
            ErrorCode.INVALID_PAYLOAD,
            prefix + "The payload contains a NUL character (\\u0000), which stores cannot hold.");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        throw ApiException.badRequest(
            ErrorCode.INVALID_PAYLOAD, prefix + "The payload contains an unpaired surrogate.");
      }
    }
  }

  private static Priority priority(JsonNode node) {
    if (node.isInt()) {
      return Priority.of(node.intValue());
    }
    if (node.isTextual()) {
      return Priority.ofName(node.textValue())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "Priority %s is not LOW, NORMAL, HIGH or URGENT."
                          .formatted(Names.quote(node.textValue()))));
    }
    throw new IllegalArgumentException(
        "Field priority is %s: give a whole number from 0 to 100 or LOW, NORMAL, HIGH, URGENT."
            .formatted(node.toString().length() > 40 ? node.getNodeType() : node.toString()));
  }

  private static RetryPolicy retry(ApiJson.RetryRequest r) {
    String policy = r.policy() == null ? "exponential" : r.policy().toLowerCase(Locale.ROOT);
    return switch (policy) {
      case "exponential" -> {
        if (r.delay() != null) {
          throw new IllegalArgumentException("An exponential retry takes base and cap, not delay.");
        }
        yield RetryPolicy.exponential(
            r.base() == null ? RetryPolicy.DEFAULT_BASE : r.base(),
            r.cap() == null ? RetryPolicy.DEFAULT_CAP : r.cap());
      }
      case "fixed" -> {
        if (r.delay() == null || r.base() != null || r.cap() != null) {
          throw new IllegalArgumentException("A fixed retry takes delay, and only delay.");
        }
        yield RetryPolicy.fixed(r.delay());
      }
      case "none" -> {
        if (r.delay() != null || r.base() != null || r.cap() != null) {
          throw new IllegalArgumentException("A retry policy of none takes no delays.");
        }
        yield RetryPolicy.none();
      }
      default ->
          throw new IllegalArgumentException(
              "Retry policy %s is not exponential, fixed or none."
                  .formatted(Names.quote(r.policy())));
    };
  }
}
