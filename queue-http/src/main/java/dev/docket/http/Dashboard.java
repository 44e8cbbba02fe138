package dev.docket.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.docket.runtime.DocketRuntime;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dashboard: server-rendered pages (Mustache, which escapes every value) made live by htmx,
 * which re-fetches each live part every few seconds and at once after an action. Actions call the
 * JSON API, so the dashboard can do nothing the API does not allow.
 */
final class Dashboard {
  static final String HTMX = "/webjars/htmx.org/2.0.10/dist/htmx.min.js";
  static final String CHART_JS = "/webjars/chart.js/4.5.1/dist/chart.umd.js";

  /** Paths anyone may fetch: the login page, scripts and styles, probes, metrics, API docs. */
  private static final Set<String> PUBLIC_PREFIXES =
      Set.of("/login", "/static/", "/webjars/", "/health/", "/metrics", "/openapi.json");

  /** The request attribute holding the caller's session, for the page's CSRF value. */
  private static final String SESSION = "docket.session";

  /**
   * The API routes the dashboard's own buttons and chart call: all a local session, from the
   * open-on-localhost mode, may use of the API.
   */
  private static final List<java.util.regex.Pattern> LOCAL_ROUTES =
      List.of(
          java.util.regex.Pattern.compile("GET /api/throughput"),
          java.util.regex.Pattern.compile("GET /api/history"),
          java.util.regex.Pattern.compile("GET /api/events"),
          java.util.regex.Pattern.compile("GET /api/jobs/(count|errors)"),
          java.util.regex.Pattern.compile("POST /api/jobs/(retry|cancel|delete)"),
          java.util.regex.Pattern.compile("POST /api/jobs/[^/]+/(retry|cancel|rerun)"),
          java.util.regex.Pattern.compile("DELETE /api/jobs/[^/]+"),
          java.util.regex.Pattern.compile("POST /api/queues/[^/]+/(pause|resume)"),
          java.util.regex.Pattern.compile("POST /api/schedules/[^/]+/(run|enable|disable)"));

  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  private final DocketServer server;
  private final DocketRuntime runtime;
  private final ApiRoutes api;
  private final Access access;
  private final InstantSource clock;
  private final Map<String, Mustache> templates = new HashMap<>();

  Dashboard(
      DocketServer server,
      DocketRuntime runtime,
      ApiRoutes api,
      Access access,
      InstantSource clock) {
    this.server = server;
    this.runtime = runtime;
    this.api = api;
    this.access = access;
    this.clock = clock;
    var factory = new DefaultMustacheFactory("dev/docket/http/web");
    for (String name :
        List.of(
            "overview",
            "jobs",
            "job",
            "schedules",
            "schedule",
            "nodes",
            "audit",
            "history",
            "login",
            "error")) {
      templates.put(name, factory.compile(name + ".mustache"));
    }
  }

  void routes(Javalin app) {
    app.get("/login", this::loginPage);
    app.post("/login", this::login);
    app.post("/logout", this::logout);
    app.get("/", ctx -> render(ctx, "overview", overview(ctx)));
    app.get("/jobs", this::jobs);
    app.get("/jobs/{id}", ctx -> render(ctx, "job", job(ctx, ctx.pathParam("id"))));
    app.get("/schedules", ctx -> render(ctx, "schedules", schedules(ctx)));
    app.get("/nodes", ctx -> render(ctx, "nodes", nodes(ctx)));
    app.get(
        "/schedules/{name}", ctx -> render(ctx, "schedule", schedule(ctx, ctx.pathParam("name"))));
    app.get("/audit", ctx -> render(ctx, "audit", audit(ctx)));
    app.get("/history", ctx -> render(ctx, "history", history(ctx)));
  }

  /** Whether a local session may call API route {@code path} with {@code method}. */
  static boolean grantsLocally(HandlerType method, String path) {
    String route = method + " " + path;
    return LOCAL_ROUTES.stream().anyMatch(p -> p.matcher(route).matches());
  }

  /**
   * Lets a dashboard request through, or sends the browser to the login page. In the
   * open-on-localhost mode, a browser on this machine without a session gets a local one here.
   */
  void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    String path = ctx.path();
    if (PUBLIC_PREFIXES.stream().anyMatch(path::startsWith)) {
      return;
    }
    Access.Caller caller = server.checkedCaller(ctx);
    if (caller.isBrowser()) {
      ctx.attribute(SESSION, caller.session());
    } else if (caller.kind() == Access.Kind.NONE
        && ctx.method() == HandlerType.GET
        && ctx.header("Authorization") == null // a wrong token is a wrong token
        && access.mayOpenLocally(server.clientAddress(ctx), ctx.header("Host"))) {
      var opened = access.sessions().open(true, clock.instant());
      setSessionCookie(ctx, opened.cookie());
      ctx.attribute(SESSION, opened.session());
      caller = new Access.Caller(Access.Kind.LOCAL, opened.session());
    }
    if (caller.kind() == Access.Kind.NONE) {
      ctx.header("Cache-Control", "no-store");
      String next = ctx.queryString() == null ? path : path + "?" + ctx.queryString();
      ctx.redirect(
          "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
      ctx.skipRemainingHandlers();
      return;
    }
    ctx.header("Cache-Control", "no-store");
  }

  // ---- Login -----------------------------------------------------------------------------

  private void loginPage(Context ctx) {
    if (server.checkedCaller(ctx).kind() != Access.Kind.NONE) {
      ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
      return;
    }
    var model = new HashMap<String, Object>();
    model.put("next", safeNext(ctx.queryParam("next")));
    render(ctx, "login", model);
  }

  private void login(Context ctx) {
    String client = server.clientAddress(ctx);
    Instant now = clock.instant();
    server.requireNotShutOut(ctx, client, now);
    if (!Access.isSameOrigin(
        ctx.header("Origin"), ctx.header("Host"), ctx.header("Sec-Fetch-Site"))) {
      throw new ApiException(
          403, ErrorCode.CROSS_SITE, "A login from another site's page is refused.");
    }
    Map<String, String> form = smallForm(ctx);
    String next = safeNext(form.get("next"));
    String token = form.get("token");
    boolean admin = access.isToken(token);
    boolean reader = access.isReadOnlyToken(token);
    if (!admin && !reader) {
      server.throttle().failed(client, now);
      var model = new HashMap<String, Object>();
      model.put("next", next);
      model.put("error", "That is not the token. Try again.");
      ctx.status(401);
      render(ctx, "login", model);
      return;
    }
    server.throttle().succeeded(client);
    // A read-only token makes a read-only session: its pages show no actions, the API refuses it.
    setSessionCookie(ctx, access.sessions().open(false, !admin, now).cookie());
    ctx.redirect(next, HttpStatus.SEE_OTHER);
  }

  private void setSessionCookie(Context ctx, String value) {
    var cookie = new Cookie(Access.SESSION_COOKIE, value);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setPath("/");
    cookie.setMaxAge((int) Access.SESSION_LENGTH.toSeconds());
    cookie.setSecure(server.overHttps(ctx));
    ctx.cookie(cookie);
  }

  /** Ends this browser's session on the server, so its cookie opens nothing any more. */
  private void logout(Context ctx) {
    Access.Caller caller = server.checkedCaller(ctx);
    if (!Access.isSameOrigin(ctx.header("Origin"), ctx.header("Host"), ctx.header("Sec-Fetch-Site"))
        || !Access.isCsrfToken(caller.session(), smallForm(ctx).get("csrf"))) {
      throw new ApiException(403, ErrorCode.CSRF, "A log-out from another site's page is refused.");
    }
    access.sessions().revoke(ctx.cookie(Access.SESSION_COOKIE));
    ctx.removeCookie(Access.SESSION_COOKIE, "/");
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  /**
   * A small urlencoded form (the login's, the logout's), read by us and never past {@link
   * HttpOptions#MAX_LOGIN_BODY_BYTES}: refused on its declared length before a byte is read, and
   * cut off when a chunked body runs longer. Javalin would read up to the API's limit.
   */
  static Map<String, String> smallForm(Context ctx) {
    int max = HttpOptions.MAX_LOGIN_BODY_BYTES;
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      // The body is never read, so the connection cannot carry another request after it.
      ctx.header("Connection", "close");
      throw formTooLarge(declared, max);
    }
    byte[] body;
    try (var in = ctx.req().getInputStream()) {
      body = in.readNBytes(max + 1);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest(
          ErrorCode.UNREADABLE_BODY, "The request body could not be read.");
    }
    if (body.length > max) {
      ctx.header("Connection", "close");
      throw formTooLarge(body.length, max);
    }
    var form = new HashMap<String, String>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_REQUEST, "The form has a % that is not followed by two hex digits.");
      }
    }
    return form;
  }

  private static ApiException formTooLarge(long size, int max) {
    return new ApiException(
        413,
        ErrorCode.BODY_TOO_LARGE,
        "The form has %d bytes, more than the %d this page accepts.".formatted(size, max));
  }

  /** Only a path of this server: never another site, so the login cannot redirect away. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.startsWith("/login")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  // ---- Pages -----------------------------------------------------------------------------

  private Map<String, Object> page(Context ctx, String title, String nav) {
    var model = new HashMap<String, Object>();
    model.put("title", title);
    Sessions.Session session = ctx.attribute(SESSION);
    model.put("csrf", session == null ? "" : session.csrf());
    // A local session needs no log-out: the next page would open a new one.
    model.put("session", session != null && !session.local());
    model.put("readOnly", session != null && session.readOnly());
    model.put("htmx", HTMX);
    model.put("chartjs", CHART_JS);
    model.put("owner", runtime.options().owner());
    model.put(nav, true);
    return model;
  }

  private Map<String, Object> overview(Context ctx) {
    var model = page(ctx, "Queues", "navOverview");
    var rows = new ArrayList<Map<String, Object>>();
    try {
      for (ApiJson.QueueView queue : api.queues()) {
        var row = new HashMap<String, Object>();
        long pending = queue.counts().get("pending");
        row.put("name", queue.name());
        row.put("paused", queue.paused());
        row.put("unserved", queue.unserved());
        row.put("due", Formats.count(queue.due()));
        row.put("scheduled", Formats.count(queue.scheduled()));
        row.put("running", Formats.count(queue.counts().get("running")));
        row.put("completed", Formats.count(queue.counts().get("completed")));
        row.put("failed", Formats.count(queue.counts().get("failed")));
        row.put("cancelled", Formats.count(queue.counts().get("cancelled")));
        long finished = queue.counts().get("completed") + queue.counts().get("failed");
        row.put(
            "failureRate",
            finished == 0
                ? "–"
                : "%.1f%%".formatted(100.0 * queue.counts().get("failed") / finished));
        row.put(
            "oldest",
            queue.oldestDueAgeSeconds() == null
                ? "–"
                : Formats.seconds(queue.oldestDueAgeSeconds()) + " ago");
        row.put("oldestAt", queue.oldestDueAt() == null ? "" : time(queue.oldestDueAt()));
        row.put(
            "node",
            queue.concurrency() == null
                ? "not served"
                : "%d of %d busy".formatted(queue.busy(), queue.concurrency()));
        rows.add(row);
      }
    } catch (dev.docket.usecase.port.StorageException e) {
      model.put("storeError", e.getMessage());
    }
    model.put("queues", rows);
    model.put("schedules", scheduleRows());
    try {
      model.put("nodes", nodeRows());
    } catch (dev.docket.usecase.port.StorageException e) {
      model.put("nodes", List.of());
      model.put("nodesError", e.getMessage());
    }
    return model;
  }

  private List<Map<String, Object>> nodeRows() {
    var rows = new ArrayList<Map<String, Object>>();
    Instant now = clock.instant();
    for (ApiJson.NodeView node : api.nodes(false)) {
      var row = new HashMap<String, Object>();
      row.put("name", node.name());
      row.put("self", node.self());
      row.put("host", node.host());
      row.put("version", node.version() == null ? "–" : node.version());
      var queues = new ArrayList<String>();
      node.queues().forEach((queue, concurrency) -> queues.add(queue + " × " + concurrency));
      row.put("queues", queues.isEmpty() ? "–" : String.join(", ", queues));
      row.put("kinds", node.kinds());
      row.put("noKinds", node.kinds().isEmpty());
      row.put("startedAt", Formats.relative(node.startedAt(), now));
      row.put("startedAtUtc", time(node.startedAt()));
      double silent =
          Math.max(0, java.time.Duration.between(node.lastSeen(), now).toMillis() / 1e3);
      row.put("lastSeen", Formats.seconds(silent) + " ago");
      row.put("lastSeenAt", time(node.lastSeen()));
      rows.add(row);
    }
    return rows;
  }

  /**
   * The Nodes page: the queues with due jobs that no live node serves, then every live node with
   * its busy handlers per queue and the jobs it runs now.
   */
  private Map<String, Object> nodes(Context ctx) {
    var model = page(ctx, "Nodes", "navNodes");
    var unserved = new ArrayList<Map<String, Object>>();
    var cards = new ArrayList<Map<String, Object>>();
    try {
      for (ApiJson.QueueView queue : api.queues()) {
        if (queue.unserved()) {
          unserved.add(Map.of("name", queue.name(), "due", queue.due()));
        }
      }
      Instant now = clock.instant();
      for (ApiJson.NodeView node : api.nodes()) {
        cards.add(nodeCard(node, now));
      }
    } catch (dev.docket.usecase.port.StorageException e) {
      model.put("storeError", e.getMessage());
    }
    model.put("unserved", unserved);
    model.put("hasUnserved", !unserved.isEmpty());
    model.put("nodes", cards);
    return model;
  }

  private static Map<String, Object> nodeCard(ApiJson.NodeView node, Instant now) {
    var card = new HashMap<String, Object>();
    card.put("name", node.name());
    card.put("self", node.self());
    card.put("host", node.host());
    card.put("version", node.version() == null ? "–" : node.version());
    card.put("startedAt", time(node.startedAt()));
    double silent = Math.max(0, java.time.Duration.between(node.lastSeen(), now).toMillis() / 1e3);
    card.put("lastSeen", Formats.seconds(silent) + " ago");
    card.put("lastSeenAt", time(node.lastSeen()));
    card.put("kinds", node.kinds());
    card.put("noKinds", node.kinds().isEmpty());
    var queues = new ArrayList<Map<String, Object>>();
    node.queues()
        .forEach(
            (queue, concurrency) ->
                queues.add(
                    Map.of(
                        "queue",
                        queue,
                        "concurrency",
                        concurrency,
                        "busy",
                        node.busy().getOrDefault(queue, 0))));
    card.put("queues", queues);
    var running = new ArrayList<Map<String, Object>>();
    for (ApiJson.RunningJobView job : node.running()) {
      var row = new HashMap<String, Object>();
      row.put("id", job.id());
      row.put("shortId", "…" + job.id().substring(job.id().length() - 12));
      row.put("kind", job.kind());
      row.put("queue", job.queue());
      row.put("attempt", job.attempt());
      row.put("elapsed", Formats.seconds(job.elapsedSeconds()));
      row.put("startedAt", time(job.startedAt()));
      double left = java.time.Duration.between(now, job.leaseExpiresAt()).toMillis() / 1e3;
      row.put(
          "lease",
          left >= 0
              ? "expires in " + Formats.seconds(left)
              : "expired " + Formats.seconds(-left) + " ago");
      row.put("leaseExpiresAt", time(job.leaseExpiresAt()));
      running.add(row);
    }
    card.put("running", running);
    card.put("moreRunning", node.moreRunning());
    card.put("shown", running.size());
    return card;
  }

  private Map<String, Object> schedules(Context ctx) {
    var model = page(ctx, "Schedules", "navSchedules");
    model.put("schedules", scheduleRows());
    return model;
  }

  /** The audit log, newest first, a page at a time: {@code ?before=} is the last id shown. */
  /**
   * The History page: the cluster's attempts over the last hour, day or week, of one queue and kind
   * or all, as totals and four charts the page's script draws from the same API call.
   */
  private Map<String, Object> history(Context ctx) {
    var model = page(ctx, "History", "navHistory");
    var parameters = new TreeMap<String, List<String>>(ctx.queryParamMap());
    parameters.keySet().retainAll(List.of("range", "queue", "kind"));
    parameters.values().removeIf(values -> values.isEmpty() || values.get(0).isEmpty());
    try {
      ApiJson.HistoryView view = api.history(parameters);
      model.put("range", view.range());
      model.put("rangeWords", view.range());
      model.put(
          "stepWords",
          switch ((int) view.stepSeconds()) {
            case 60 -> "minute";
            case 600 -> "ten minutes";
            default -> "hour";
          });
      var ranges = new ArrayList<Map<String, Object>>();
      for (String range : List.of("hour", "day", "week")) {
        ranges.add(
            Map.of(
                "label", range,
                "href", historyHref(range, view.queue(), view.kind()),
                "selected", range.equals(view.range())));
      }
      model.put("ranges", ranges);
      model.put("queues", options(view.queues(), view.queue()));
      model.put("kinds", options(view.kinds(), view.kind()));
      ApiJson.HistoryPointView total = view.total();
      model.put(
          "noAttempts",
          total.completed() + total.failed() + total.cancelled() == 0 && total.waitP50Ms() == null);
      model.put("completed", Formats.count(total.completed()));
      model.put("failed", Formats.count(total.failed()));
      model.put("dead", Formats.count(total.dead()));
      model.put(
          "failureRate",
          total.failureRate() == null
              ? Formats.NONE
              : "%.1f%%".formatted(100 * total.failureRate()));
      model.put("waitP50", millis(total.waitP50Ms()));
      model.put("waitP95", millis(total.waitP95Ms()));
      model.put("runP50", millis(total.runP50Ms()));
      model.put("runP95", millis(total.runP95Ms()));
      model.put("apiUrl", "/api" + historyHref(view.range(), view.queue(), view.kind()));
    } catch (ApiException e) {
      model.put("historyError", e.getMessage());
      model.put("ranges", List.of());
    } catch (dev.docket.usecase.port.StorageException e) {
      model.put("historyError", e.getMessage());
      model.put("ranges", List.of());
    }
    return model;
  }

  private static String historyHref(String range, String queue, String kind) {
    var href = new StringBuilder("/history?range=").append(range);
    if (queue != null) {
      href.append("&queue=").append(java.net.URLEncoder.encode(queue, StandardCharsets.UTF_8));
    }
    if (kind != null) {
      href.append("&kind=").append(java.net.URLEncoder.encode(kind, StandardCharsets.UTF_8));
    }
    return href.toString();
  }

  /** Options of a select: every name seen, and the chosen one even when it has no attempts. */
  private static List<Map<String, Object>> options(List<String> names, String chosen) {
    var all = new java.util.TreeSet<>(names);
    if (chosen != null) {
      all.add(chosen);
    }
    return all.stream()
        .map(name -> Map.<String, Object>of("name", name, "selected", name.equals(chosen)))
        .toList();
  }

  /**
   * Milliseconds as a duration; below 10 ms with a decimal, since no-op jobs run in less than 1.
   */
  private static String millis(Double ms) {
    if (ms == null) {
      return Formats.NONE;
    }
    if (ms < 1) {
      return "%.2f ms".formatted(ms);
    }
    if (ms < 10) {
      return "%.1f ms".formatted(ms);
    }
    return Formats.duration(java.time.Duration.ofNanos((long) (ms * 1e6)));
  }

  private Map<String, Object> audit(Context ctx) {
    var model = page(ctx, "Audit log", "navAudit");
    var parameters = new TreeMap<String, List<String>>(ctx.queryParamMap());
    parameters.keySet().retainAll(List.of("before"));
    Instant now = clock.instant();
    var rows = new ArrayList<Map<String, Object>>();
    try {
      ApiJson.AuditPageView page = api.audit(parameters);
      for (ApiJson.AuditEntryView entry : page.entries()) {
        var row = new HashMap<String, Object>();
        row.put("id", entry.id());
        row.put("at", Formats.relative(entry.at(), now));
        row.put("atUtc", time(entry.at()));
        row.put("actor", entry.actor());
        row.put("action", entry.action());
        row.put("target", entry.target().isEmpty() ? "–" : entry.target());
        row.put("status", entry.status());
        row.put("refused", entry.status() >= 300);
        rows.add(row);
      }
      if (page.nextBefore() != null) {
        model.put("next", "/audit?before=" + page.nextBefore());
      }
      if (parameters.containsKey("before")) {
        model.put("first", true);
      }
    } catch (ApiException e) {
      model.put("auditError", e.getMessage());
    } catch (dev.docket.usecase.port.StorageException e) {
      model.put("auditError", e.getMessage());
    }
    model.put("entries", rows);
    return model;
  }

  private List<Map<String, Object>> scheduleRows() {
    var rows = new ArrayList<Map<String, Object>>();
    Instant now = clock.instant();
    for (ApiJson.ScheduleView schedule : api.schedules()) {
      var row = new HashMap<String, Object>();
      row.put("name", schedule.name());
      row.put("trigger", schedule.trigger());
      row.put("description", schedule.description());
      row.put("kind", schedule.kind());
      row.put("queue", schedule.queue());
      row.put("enabled", schedule.enabled());
      row.put("lastSlot", Formats.relative(schedule.lastSlot(), now));
      row.put("lastSlotUtc", schedule.lastSlot() == null ? "" : time(schedule.lastSlot()));
      row.put("nextSlot", schedule.enabled() ? Formats.relative(schedule.nextSlot(), now) : "–");
      row.put("nextSlotUtc", schedule.enabled() ? time(schedule.nextSlot()) : "");
      rows.add(row);
    }
    return rows;
  }

  /** One schedule: its trigger in words, its next slots and its recent runs with links. */
  private Map<String, Object> schedule(Context ctx, String name) {
    ApiJson.ScheduleView schedule = api.schedule(name);
    var model = page(ctx, "Schedule " + schedule.name(), "navSchedules");
    Instant now = clock.instant();
    var view = new HashMap<String, Object>();
    view.put("name", schedule.name());
    view.put("description", schedule.description());
    view.put("trigger", schedule.trigger());
    view.put("kind", schedule.kind());
    view.put("queue", schedule.queue());
    view.put("enabled", schedule.enabled());
    view.put("lastSlot", Formats.relative(schedule.lastSlot(), now));
    view.put("lastSlotUtc", schedule.lastSlot() == null ? "" : time(schedule.lastSlot()));
    view.put(
        "nextSlots",
        schedule.nextSlots().stream()
            .map(at -> Map.of("at", time(at), "in", Formats.relative(at, now)))
            .toList());
    var runs = new ArrayList<Map<String, Object>>();
    for (ApiJson.ScheduleRunView run : api.scheduleRuns(name)) {
      var row = jobRow(run.job(), now);
      row.put("how", run.slot() == null ? "by hand" : "slot");
      row.put("slot", run.slot() == null ? "" : time(run.slot()));
      row.put("finishedAt", time(run.job().finishedAt()));
      row.put("finishedAgo", Formats.relative(run.job().finishedAt(), now));
      row.put("took", took(run.job()));
      runs.add(row);
    }
    view.put("runs", runs);
    view.put("scanned", Formats.count(ApiRoutes.RUNS_SCANNED));
    model.put("schedule", view);
    return model;
  }

  /**
   * From due to finished, waiting and retries included: what a schedule's run took as its owner
   * sees it; the job's own timeline has each attempt's times. {@link Formats#NONE} until the job
   * has finished.
   */
  private static String took(ApiJson.JobView job) {
    if (job.finishedAt() == null) {
      return Formats.NONE;
    }
    Instant due = job.runAt().isAfter(job.createdAt()) ? job.runAt() : job.createdAt();
    return Formats.duration(
        java.time.Duration.between(due, job.finishedAt()).isNegative()
            ? java.time.Duration.ZERO
            : java.time.Duration.between(due, job.finishedAt()));
  }

  /** Whether {@code id} ends an id with twelve hex digits or more, as the lists' short ids do. */
  private static boolean isLongSuffix(String id) {
    return id.chars().filter(c -> Character.digit(c, 16) >= 0).count() >= 12;
  }

  private void jobs(Context ctx) {
    String id = ctx.queryParam("id");
    if (id != null && id.strip().length() == 36) {
      // The search box: a whole job id goes straight to its page; a bad one says so on the list.
      try {
        ctx.redirect("/jobs/" + ApiRoutes.jobId(id.strip()), HttpStatus.SEE_OTHER);
        return;
      } catch (ApiException e) {
        var model = jobsModel(ctx, Map.of());
        model.put("filterError", e.getMessage());
        render(ctx, "jobs", model);
        return;
      }
    }
    // Anything shorter is the end of an id, such as the short id a list shows: a filter.
    var parameters = new TreeMap<String, List<String>>(ctx.queryParamMap());
    var model = jobsModel(ctx, parameters);
    try {
      if (id != null && parameters.keySet().equals(java.util.Set.of("id")) && isLongSuffix(id)) {
        // Twelve hex digits and more (the short id the lists show) name one job: no other of
        // millions shares them. The newest match is found by walking the primary key from the
        // newest job, and the walk stops there instead of reading every id for a second one.
        var newest = new TreeMap<String, List<String>>(parameters);
        newest.put("limit", List.of("1"));
        List<ApiJson.JobView> found = api.list(newest).jobs();
        if (!found.isEmpty()) {
          ctx.redirect("/jobs/" + found.getFirst().id(), HttpStatus.SEE_OTHER);
          return;
        }
      }
      ApiJson.JobPageView page = api.list(parameters);
      if (id != null
          && !id.isBlank()
          && page.jobs().size() == 1
          && page.nextCursor() == null
          && page.previousCursor() == null) {
        ctx.redirect("/jobs/" + page.jobs().getFirst().id(), HttpStatus.SEE_OTHER);
        return;
      }
      Instant now = clock.instant();
      model.put("jobs", page.jobs().stream().map(job -> jobRow(job, now)).toList());
      if (page.nextCursor() != null) {
        var next = new LinkedHashMap<String, List<String>>(parameters);
        next.put("cursor", List.of(page.nextCursor()));
        model.put("next", "/jobs?" + query(next));
      }
      if (page.previousCursor() != null) {
        var previous = new LinkedHashMap<String, List<String>>(parameters);
        previous.put("cursor", List.of(page.previousCursor()));
        model.put("previous", "/jobs?" + query(previous));
      }
      var filters = new TreeMap<String, List<String>>(parameters);
      filters.keySet().retainAll(ApiRoutes.FILTER_PARAMETERS);
      filters.values().removeIf(values -> values.isEmpty() || values.get(0).isEmpty());
      if (parameters.containsKey("cursor")) {
        model.put("first", "/jobs" + (filters.isEmpty() ? "" : "?" + query(filters)));
      }
      ApiJson.CountView total = api.count(filters);
      model.put("total", Formats.count(total.count()) + (total.atLeast() ? "+" : ""));
      model.put("totalOne", total.count() == 1);
      if (!filters.isEmpty() && total.count() > 0 && !Boolean.TRUE.equals(model.get("readOnly"))) {
        model.put("matching", matching(filters, total));
      }
      String state = first(filters, "state").toLowerCase(Locale.ROOT);
      if (Set.of("failed", "dead", "pending", "due", "scheduled").contains(state)
          && !filters.containsKey("error")) {
        var groups = errorGroups(filters);
        if (!groups.isEmpty()) {
          model.put("errorGroups", Map.of("groups", groups));
        }
      }
    } catch (ApiException e) {
      model.put("filterError", e.getMessage());
      model.put("jobs", List.of());
    }
    render(ctx, "jobs", model);
  }

  /** The filter's jobs grouped by error, each with a link to the list of its group. */
  private List<Map<String, Object>> errorGroups(Map<String, List<String>> filters) {
    var groups = new ArrayList<Map<String, Object>>();
    for (ApiJson.ErrorGroupView group : api.errorGroups(filters)) {
      var link = new TreeMap<String, List<String>>(filters);
      link.put("error", List.of(group.type()));
      var row = new HashMap<String, Object>();
      row.put("type", group.type());
      row.put("shortType", shortError(group.type()));
      row.put("count", Formats.count(group.count()));
      row.put("message", group.message());
      row.put("link", "/jobs?" + query(link));
      row.put("latest", group.latestJobId());
      groups.add(row);
    }
    return groups;
  }

  /**
   * What "act on every match" offers for a filter: the actions its state allows, each with the
   * filter as JSON for the page's script and the words of its confirmation.
   */
  private static Map<String, Object> matching(
      Map<String, List<String>> filters, ApiJson.CountView total) {
    String state = first(filters, "state").toLowerCase(Locale.ROOT);
    boolean finishedBadly = Set.of("failed", "dead", "cancelled").contains(state);
    boolean waitingOrRunning = Set.of("pending", "due", "scheduled", "running").contains(state);
    var filter = new TreeMap<String, String>();
    filters.forEach((name, values) -> filter.put(name, values.get(0)));
    var described = new ArrayList<String>();
    filter.forEach((name, value) -> described.add(name + " " + value));
    String count = Formats.count(total.count()) + (total.atLeast() ? "+" : "");
    var model = new HashMap<String, Object>();
    try {
      model.put("filter", ApiJson.MAPPER.writeValueAsString(filter));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    model.put("count", count);
    model.put("described", String.join(", ", described));
    model.put("canRetry", state.isEmpty() || finishedBadly);
    model.put("canCancel", state.isEmpty() || waitingOrRunning);
    model.put("canDelete", !state.equals("running"));
    return model;
  }

  private Map<String, Object> jobsModel(Context ctx, Map<String, List<String>> parameters) {
    String state = first(parameters, "state");
    boolean dead = "failed".equalsIgnoreCase(state) || "dead".equalsIgnoreCase(state);
    var model = page(ctx, "Jobs", dead ? "navDead" : "navJobs");
    model.put("heading", dead ? "Dead letter: failed jobs" : "Jobs");
    var states = new ArrayList<Map<String, Object>>();
    for (String value :
        List.of("pending", "due", "scheduled", "running", "completed", "failed", "cancelled")) {
      boolean selected = value.equalsIgnoreCase(state) || (dead && value.equals("failed"));
      states.add(Map.of("value", value, "label", value, "selected", selected));
    }
    model.put("states", states);
    for (String name :
        List.of("queue", "kind", "tag", "error", "createdFrom", "createdBefore", "payload")) {
      model.put(name, first(parameters, name));
    }
    // Not "id": inside a list of jobs, that is each row's own.
    model.put("idSuffix", first(parameters, "id"));
    try {
      model.put("queueNames", api.queues().stream().map(ApiJson.QueueView::name).toList());
    } catch (RuntimeException e) {
      model.put("queueNames", List.of());
    }
    model.put("self", "/jobs" + (parameters.isEmpty() ? "" : "?" + query(parameters)));
    return model;
  }

  private Map<String, Object> job(Context ctx, String id) {
    ApiJson.JobView job = api.get(id);
    var model = page(ctx, "Job " + job.id(), "navJobs");
    var view = jobRow(job, clock.instant());
    view.put("retry", retry(job.retry()));
    view.put("createdAt", time(job.createdAt()));
    view.put("finishedAt", time(job.finishedAt()));
    view.put("uniqueKey", job.uniqueKey() == null ? "–" : job.uniqueKey());
    view.put("tags", job.tags());
    view.put(
        "lease",
        job.lease() == null
            ? "–"
            : job.lease().owner() + ", until " + time(job.lease().expiresAt()));
    view.put("payload", pretty(job.payload()));
    view.put("errorCount", job.errorCount());
    view.put("kindLink", "/jobs?kind=" + encode(job.kind()));
    view.put("queueLink", "/jobs?queue=" + encode(job.queue()));
    view.put(
        "tagLinks",
        job.tags().stream().map(t -> Map.of("tag", t, "link", "/jobs?tag=" + encode(t))).toList());
    scheduleOf(job.uniqueKey())
        .ifPresent(
            name -> {
              view.put("scheduleName", name);
              view.put("scheduleLink", "/schedules/" + encodePath(name));
            });
    view.put("timeline", timeline(job, clock.instant()));
    view.put(
        "canRerun",
        job.state().equals("completed")
            || job.state().equals("failed")
            || job.state().equals("cancelled"));
    view.put("hasProgress", job.progress() != null);
    view.put("progressPercent", 0);
    if (job.progress() != null) {
      view.put("progressPercent", job.progress().percent());
      view.put("progressMessage", job.progress().message());
      view.put("progressAt", time(job.progress().at()));
    }
    view.put("hasResult", job.result() != null);
    view.put("result", job.result() == null ? "" : pretty(job.result()));
    view.put("live", job.state().equals("pending") || job.state().equals("running"));
    model.put("job", view);
    return model;
  }

  // ---- A job's timeline ------------------------------------------------------------------

  /** How an attempt's outcome reads on its badge. */
  private static String outcomeLabel(String outcome) {
    return switch (outcome) {
      case "lease-expired" -> "lease expired";
      default -> outcome;
    };
  }

  /**
   * What happened to a job, oldest first: created; scheduled for later, if it was; each attempt
   * that ended, with its node, wait, run time, outcome and, if it failed, its error; the attempt
   * running now or the next one due; finished. Errors that no attempt record claims (attempts that
   * ended before the store kept records) stand on their own, in time order, so none is lost. The
   * newest error starts open, as the page always showed it.
   */
  @SuppressWarnings("unchecked") // tlError holds the map errorView made
  static List<Map<String, Object>> timeline(ApiJson.JobView job, Instant now) {
    var steps = new ArrayList<Map<String, Object>>();
    steps.add(step("created", "Created", job.createdAt(), now));
    List<ApiJson.AttemptView> attempts = job.attempts();
    // The first attempt's due time: its record's, or while it has none (not yet ended, or ended
    // before the store kept records) the run-at, which is still the first attempt's until a retry.
    Instant firstDue = attempts.isEmpty() ? job.runAt() : attempts.get(0).dueAt();
    if (firstDue.isAfter(job.createdAt()) && (!attempts.isEmpty() || job.attempt() <= 1)) {
      var scheduled = step("scheduled", "Scheduled for", firstDue, now);
      scheduled.put(
          "tlNote",
          "in "
              + Formats.duration(Duration.between(job.createdAt(), firstDue))
              + " after it was created");
      steps.add(scheduled);
    }
    var unclaimed = new ArrayList<>(job.errors());
    var attemptSteps = new ArrayList<Map<String, Object>>();
    for (ApiJson.AttemptView a : attempts) {
      var step = step("attempt", "Attempt " + a.attempt(), a.startedAt(), now);
      step.put("tlAttempt", a.attempt());
      step.put("tlNode", a.node());
      step.put("tlWaited", Formats.seconds(a.waitedSeconds()));
      step.put("tlRan", Formats.seconds(a.durationSeconds()));
      step.put("tlOutcome", a.outcome());
      step.put("tlOutcomeLabel", outcomeLabel(a.outcome()));
      if (a.errorType() != null) {
        ApiJson.ErrorEntry match = null;
        for (ApiJson.ErrorEntry e : unclaimed) {
          if (e.attempt() == a.attempt() && (match == null || e.at().equals(a.endedAt()))) {
            match = e;
          }
        }
        if (match != null) {
          unclaimed.remove(match);
          step.put("tlError", errorView(match));
          step.put("tlErrorAt", match.at());
        }
      }
      attemptSteps.add(step);
    }
    for (ApiJson.ErrorEntry e : unclaimed) {
      var step = step("attempt", "Attempt " + e.attempt(), e.at(), now);
      step.put("tlOutcome", "failed");
      step.put("tlOutcomeLabel", "failed");
      step.put("tlError", errorView(e));
      step.put("tlErrorAt", e.at());
      attemptSteps.add(step);
    }
    attemptSteps.sort(java.util.Comparator.comparing(s -> (Instant) s.get("tlAt")));
    // The newest error starts open: the one an operator opens the page for.
    attemptSteps.stream()
        .filter(s -> s.get("tlError") != null)
        .max(java.util.Comparator.comparing(s -> (Instant) s.get("tlErrorAt")))
        .ifPresent(s -> ((Map<String, Object>) s.get("tlError")).put("open", true));
    steps.addAll(attemptSteps);
    if (job.lease() != null) {
      var running =
          step("running", "Attempt " + job.attempt() + " running", job.lease().startedAt(), now);
      running.put("tlNode", job.lease().owner());
      running.put("tlRan", Formats.duration(positive(job.lease().startedAt(), now)));
      running.put("tlOutcome", "running");
      running.put("tlOutcomeLabel", "running");
      steps.add(running);
    } else if (job.state().equals("pending") && !attempts.isEmpty()) {
      steps.add(step("next", "Next attempt due", job.runAt(), now));
    }
    if (job.finishedAt() != null) {
      var finished = step("finished", "Finished", job.finishedAt(), now);
      finished.put("tlOutcome", job.state());
      finished.put("tlOutcomeLabel", label(job.state()));
      finished.put(
          "tlNote",
          Formats.duration(positive(job.createdAt(), job.finishedAt())) + " after it was created");
      steps.add(finished);
    }
    return steps;
  }

  private static Duration positive(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** One step of a timeline: its kind (a CSS class), its words and its time, relative and not. */
  private static Map<String, Object> step(String kind, String title, Instant at, Instant now) {
    var step = new HashMap<String, Object>();
    step.put("tlKind", kind);
    step.put("tlTitle", title);
    step.put("tlAt", at);
    step.put("tlIso", at.toString());
    step.put("tlUtc", time(at));
    step.put("tlAgo", Formats.relative(at, now));
    return step;
  }

  private static Map<String, Object> errorView(ApiJson.ErrorEntry e) {
    var entry = new HashMap<String, Object>();
    entry.put("attempt", e.attempt());
    entry.put("at", time(e.at()));
    entry.put("type", e.type());
    entry.put("message", e.message());
    entry.put("stackTrace", e.stackTrace().isEmpty() ? "(no stack trace)" : e.stackTrace());
    entry.put(
        "copyText",
        e.type()
            + (e.message().isEmpty() ? "" : ": " + e.message())
            + (e.stackTrace().isEmpty() ? "" : "\n\n" + e.stackTrace()));
    entry.put("open", false);
    entry.put("shortType", shortError(e.type()));
    return entry;
  }

  /**
   * The schedule that made a job, from its unique key: {@code docket:schedule:<name>:<slot>} for a
   * slot's job, {@code docket:schedule:<name>, run now at <instant>} for one run by hand (see the
   * runtime's {@code Schedule}). The slot is an instant, which may hold colons itself, so the name
   * ends at the first colon after which an instant follows.
   */
  static Optional<String> scheduleOf(String uniqueKey) {
    String prefix = "docket:schedule:";
    if (uniqueKey == null || !uniqueKey.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = uniqueKey.substring(prefix.length());
    int byHand = rest.indexOf(", run now at ");
    if (byHand > 0) {
      return Optional.of(rest.substring(0, byHand));
    }
    for (int colon = rest.indexOf(':'); colon > 0; colon = rest.indexOf(':', colon + 1)) {
      try {
        Instant.parse(rest.substring(colon + 1));
        return Optional.of(rest.substring(0, colon));
      } catch (java.time.format.DateTimeParseException e) {
        // not yet the slot: the name goes on
      }
    }
    return Optional.empty();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String encodePath(String value) {
    return encode(value).replace("+", "%20");
  }

  private static Map<String, Object> jobRow(ApiJson.JobView job, Instant now) {
    var row = new HashMap<String, Object>();
    row.put("id", job.id());
    // Ids start with their time, so jobs of one minute share a prefix: the end tells them apart.
    row.put("shortId", "…" + job.id().substring(job.id().length() - 12));
    row.put("kind", job.kind());
    row.put("queue", job.queue());
    row.put("state", job.state());
    row.put("stateLabel", label(job.state()));
    row.put("cancelRequested", job.cancelRequested());
    row.put("attempt", job.attempt());
    row.put("maxAttempts", job.maxAttempts());
    row.put("priority", job.priority());
    row.put("runAt", time(job.runAt()));
    row.put("updatedAt", time(job.updatedAt()));
    // Lists say how long ago, with the absolute time on hover; the job's page says when.
    row.put("runAtAgo", Formats.relative(job.runAt(), now));
    row.put("updatedAtAgo", Formats.relative(job.updatedAt(), now));
    row.put("lastError", job.lastError() == null ? "" : job.lastError());
    row.put("lastErrorShort", job.lastError() == null ? "" : shortError(job.lastError()));
    boolean finishedBadly = job.state().equals("failed") || job.state().equals("cancelled");
    row.put("canRetry", finishedBadly);
    row.put(
        "canCancel",
        (job.state().equals("pending") || job.state().equals("running")) && !job.cancelRequested());
    row.put("canDelete", !job.state().equals("running"));
    return row;
  }

  private static String label(String state) {
    return state;
  }

  /** The longest error a list shows in its row; the whole one is in the row's tooltip. */
  private static final int SHORT_ERROR = 140;

  /**
   * An error as a list shows it: the exception's simple class name and its message, {@code
   * IllegalStateException: boom} for {@code java.lang.IllegalStateException: boom}, cut short.
   */
  static String shortError(String error) {
    int colon = error.indexOf(": ");
    String type = colon < 0 ? error : error.substring(0, colon);
    String rest = colon < 0 ? "" : error.substring(colon);
    if (type.matches("[\\w.$]+")) {
      type = type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
    }
    String text = (type + rest).strip();
    return text.length() <= SHORT_ERROR ? text : text.substring(0, SHORT_ERROR - 1) + "…";
  }

  private static String retry(Map<String, Object> retry) {
    return switch (String.valueOf(retry.get("policy"))) {
      case "exponential" ->
          "exponential with full jitter, base %s, cap %s"
              .formatted(
                  Formats.duration(String.valueOf(retry.get("base"))),
                  Formats.duration(String.valueOf(retry.get("cap"))));
      case "fixed" -> "fixed, " + Formats.duration(String.valueOf(retry.get("delay")));
      default -> "none";
    };
  }

  private static String pretty(String json) {
    try {
      return ApiJson.MAPPER
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(ApiJson.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  static String time(Instant at) {
    return Formats.utc(at);
  }

  private static String first(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0);
  }

  private static String query(Map<String, List<String>> parameters) {
    var parts = new ArrayList<String>();
    parameters.forEach(
        (name, values) ->
            values.forEach(
                value ->
                    parts.add(
                        URLEncoder.encode(name, StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(value, StandardCharsets.UTF_8))));
    return String.join("&", parts);
  }

  // ---- Rendering -------------------------------------------------------------------------

  private void render(Context ctx, String template, Map<String, Object> model) {
    var out = new StringWriter();
    templates.get(template).execute(out, model);
    ctx.contentType("text/html; charset=utf-8").result(out.toString());
  }

  /** An error page in the dashboard's frame. */
  void error(Context ctx, int status, String message) {
    var model = page(ctx, "Error", "navOverview");
    model.put("status", status);
    model.put("message", message);
    ctx.status(status);
    render(ctx, "error", model);
  }
}
