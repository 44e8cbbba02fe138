package dev.docket.http;

import dev.docket.domain.DocketException;
import dev.docket.domain.IllegalTransitionException;
import dev.docket.metrics.DocketMetrics;
import dev.docket.runtime.DocketRuntime;
import dev.docket.usecase.JobNotFoundException;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.PayloadException;
import dev.docket.usecase.port.StorageException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP face of a runtime: the JSON API under {@code /api}, the dashboard, Prometheus metrics at
 * {@code /metrics}, health probes under {@code /health} and the API's OpenAPI document at {@code
 * /openapi.json}.
 *
 * <p>Make it with {@link #create(DocketRuntime, HttpOptions, DocketMetrics)}, or get it from an
 * injector that holds {@link HttpModule} next to {@link dev.docket.runtime.DocketModule}, then
 * {@link #start()} it after the runtime; {@link #close()} stops it. Binds to {@link
 * HttpOptions#host()}, the loopback interface unless configured otherwise. Reading and changing
 * jobs needs the bearer token (see {@link HttpOptions#token()}); health, metrics and the OpenAPI
 * document do not. Thread-safe; starts once.
 */
public final class DocketServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DocketServer.class.getName());

  /**
   * Tells the dashboard's live parts to refresh now, on the body: the button that asked may have
   * been replaced by a refresh meanwhile, and an event on it would reach nobody.
   */
  static final String CHANGED = "{\"docket-changed\":{\"target\":\"body\"}}";

  /** The request attribute with the route of a change not yet written to the audit log. */
  private static final String AUDIT_ROUTE = "docket.audit.route";

  /** The request attribute with what a change acts on, for its audit entry. */
  static final String AUDIT_TARGET = "docket.audit.target";

  /** The request attribute with who sent it, once identified. */
  private static final String CALLER = "docket.caller";

  /** What a read-only credential is told when it asks for a change. */
  static final String READ_ONLY_MESSAGE = "This credential may only read.";

  /** Marks a request whose error an exception handler answered already. */
  private static final String ANSWERED = "docket.answered";

  /** How long the readiness probe waits for the store before it calls it unready. */
  static final long READINESS_TIMEOUT_MS = 2_000;

  private final DocketRuntime runtime;
  private final DocketStore store;
  private final HttpOptions options;
  private final InstantSource clock;
  private final String token;
  private final boolean tokenGenerated;
  private final Access access;
  private final dev.docket.usecase.AuditTrail audit;
  private final ApiRoutes api;
  private final Dashboard dashboard;
  private final List<String> routes = new ArrayList<>();
  private Javalin app;

  private final DocketMetrics metrics;
  private final PrometheusMeterRegistry prometheus;
  private final AuthThrottle throttle = new AuthThrottle();
  private final MalformedRequests malformed = new MalformedRequests();
  private final EventStreams events;

  private DocketServer(
      DocketRuntime runtime, HttpOptions options, InstantSource clock, DocketMetrics metrics) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.store = runtime.store();
    this.metrics = metrics;
    if (metrics != null && !(metrics.registry() instanceof PrometheusMeterRegistry)) {
      throw new IllegalArgumentException(
          "The /metrics endpoint scrapes a PrometheusMeterRegistry; these metrics are in a %s."
              .formatted(metrics.registry().getClass().getName()));
    }
    this.prometheus = metrics == null ? null : (PrometheusMeterRegistry) metrics.registry();
    this.events =
        new EventStreams(
            runtime.subscriptions(),
            runtime::stats,
            clock,
            options.maxEventStreams(),
            options.eventHeartbeat());
    this.options = options;
    this.clock = clock;
    this.tokenGenerated = options.token().isEmpty();
    this.token = options.token().orElseGet(Access::randomToken);
    this.access =
        new Access(
            token, options.readOnlyToken().orElse(null), options.openOnLocalhost(), new Sessions());
    this.audit = new dev.docket.usecase.AuditTrail(store.auditLog(), clock);
    this.api = new ApiRoutes(runtime, clock);
    if (metrics != null) {
      registerMeters(metrics.registry());
    }
    this.dashboard = new Dashboard(this, runtime, api, access, clock);
  }

  /**
   * A server for {@code runtime} with no {@code /metrics} endpoint (it answers 404). Nothing
   * listens until {@link #start()}.
   */
  public static DocketServer create(DocketRuntime runtime, HttpOptions options) {
    return new DocketServer(runtime, options, InstantSource.system(), null);
  }

  /**
   * A server for {@code runtime} whose {@code /metrics} endpoint is the Prometheus text of {@code
   * metrics}' registry, which must be a {@link PrometheusMeterRegistry}. Nothing listens until
   * {@link #start()}.
   *
   * @throws IllegalArgumentException if the registry is not a Prometheus one
   */
  public static DocketServer create(
      DocketRuntime runtime, HttpOptions options, DocketMetrics metrics) {
    return new DocketServer(
        runtime, options, InstantSource.system(), Objects.requireNonNull(metrics, "metrics"));
  }

  /** For Guice: the clock is the injector's. */
  static DocketServer create(
      DocketRuntime runtime, HttpOptions options, InstantSource clock, DocketMetrics metrics) {
    return new DocketServer(runtime, options, clock, metrics);
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException if it was started before, or the port is taken
   */
  public synchronized void start() {
    if (app != null) {
      throw new IllegalStateException("This server was started before; make a new one.");
    }
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.useVirtualThreads = true;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = options.maxBodyBytes();
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new JsonErrorHandler(malformed)));
              config.jetty.modifyServletContextHandler(NoMethodOverride::install);
              config.staticFiles.enableWebjars();
              config.staticFiles.add(
                  files -> {
                    files.hostedPath = "/static";
                    files.directory = "/dev/docket/http/web/static";
                    files.location = Location.CLASSPATH;
                  });
            });
    app.before(this::secure);
    app.exception(Exception.class, this::fail);
    app.exception(HttpResponseException.class, this::fail);
    app.error(
        404,
        ctx -> failIfEmpty(ctx, ErrorCode.NOT_FOUND, "There is nothing at " + ctx.path() + "."));
    app.error(
        405,
        ctx ->
            failIfEmpty(
                ctx,
                ErrorCode.METHOD_NOT_ALLOWED,
                "%s is not allowed on %s.".formatted(ctx.method(), ctx.path())));
    routes();
    dashboard.routes(app);
    try {
      app.start(options.host(), options.port());
    } catch (RuntimeException e) {
      app.stop();
      throw new IllegalStateException(
          "The HTTP server could not listen on %s:%d: %s"
              .formatted(options.host(), options.port(), e.getMessage()),
          e);
    }
    LOG.log(Level.INFO, "Docket HTTP API and dashboard at {0}", url());
    if (tokenGenerated) {
      LOG.log(
          Level.WARNING,
          "No API token was configured, so this one was made for this run: {0}"
              + " (set --api-token or DOCKET_API_TOKEN to keep one).",
          token);
    }
  }

  /** The port it listens on, once started: the chosen one when the options said 0. */
  public synchronized int port() {
    if (app == null) {
      throw new IllegalStateException("The server has not started.");
    }
    return app.port();
  }

  /** Its base URL, such as {@code http://127.0.0.1:7070}. */
  public String url() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return "http://" + host + ":" + port();
  }

  /** The bearer token: the configured one, or the one made at start. */
  public String token() {
    return token;
  }

  /** The method and path of every API route, for the OpenAPI check. */
  List<String> routeList() {
    return List.copyOf(routes);
  }

  /** Stops listening; requests in flight finish. Closing twice does nothing. */
  @Override
  public synchronized void close() {
    // the streams first: each holds a request open, which the server would wait for
    events.close();
    if (app != null) {
      app.stop();
    }
  }

  /** How many event streams are open now. */
  int openEventStreams() {
    return events.open();
  }

  /** For tests: how long the event streams keep their subscription after the last one closes. */
  void eventLinger(java.time.Duration linger) {
    events.linger(linger);
  }

  /** Whether the event streams hold their subscription to the job changes now. */
  boolean eventsSubscribed() {
    return events.subscribed();
  }

  // ---- Routes ----------------------------------------------------------------------------

  private void routes() {
    route(HandlerType.GET, "/health/live", ctx -> json(ctx, 200, Map.of("status", "up")));
    route(HandlerType.GET, "/health/ready", this::ready);
    route(HandlerType.GET, "/metrics", this::scrape);
    route(
        HandlerType.GET,
        "/openapi.json",
        ctx -> ctx.contentType("application/json").result(openApi()));

    route(
        HandlerType.POST,
        "/api/jobs",
        ctx -> {
          var job = api.enqueue(body(ctx));
          ctx.attribute(
              AUDIT_TARGET,
              "job %s (kind %s, queue %s)".formatted(job.id(), job.kind(), job.queue()));
          json(ctx, 201, job);
        });
    route(
        HandlerType.POST,
        "/api/jobs/bulk",
        ctx -> {
          var jobs = api.enqueueBulk(body(ctx));
          ctx.attribute(AUDIT_TARGET, "%d job(s)".formatted(jobs.size()));
          json(ctx, 201, jobs);
        });
    route(HandlerType.GET, "/api/jobs", ctx -> json(ctx, 200, api.list(ctx.queryParamMap())));
    // before /api/jobs/{id}, which would take "count" for an id
    route(
        HandlerType.GET, "/api/jobs/count", ctx -> json(ctx, 200, api.count(ctx.queryParamMap())));
    route(
        HandlerType.GET,
        "/api/jobs/errors",
        ctx -> json(ctx, 200, api.errorGroups(ctx.queryParamMap())));
    for (var action : dev.docket.usecase.BulkResult.Action.values()) {
      route(
          HandlerType.POST,
          "/api/jobs/" + action.name().toLowerCase(java.util.Locale.ROOT),
          ctx -> {
            ctx.header("HX-Trigger", CHANGED);
            byte[] body = body(ctx);
            var result = api.act(action, body);
            ctx.attribute(AUDIT_TARGET, ApiRoutes.bulkTarget(body, result));
            json(ctx, 200, result);
          });
    }
    route(HandlerType.GET, "/api/jobs/{id}", ctx -> json(ctx, 200, api.get(ctx.pathParam("id"))));
    route(
        HandlerType.POST,
        "/api/jobs/{id}/cancel",
        ctx -> changed(ctx, api.cancel(ctx.pathParam("id"))));
    route(
        HandlerType.POST,
        "/api/jobs/{id}/retry",
        ctx -> changed(ctx, api.retry(ctx.pathParam("id"))));
    route(
        HandlerType.POST,
        "/api/jobs/{id}/rerun",
        ctx -> {
          ctx.header("HX-Trigger", CHANGED);
          var job = api.rerun(ctx.pathParam("id"));
          ctx.attribute(
              AUDIT_TARGET, "job %s: new job %s".formatted(ctx.pathParam("id"), job.id()));
          json(ctx, 201, job);
        });
    route(
        HandlerType.DELETE, "/api/jobs/{id}", ctx -> changed(ctx, api.delete(ctx.pathParam("id"))));

    route(HandlerType.GET, "/api/queues", ctx -> json(ctx, 200, api.queues()));
    route(
        HandlerType.GET,
        "/api/queues/{name}",
        ctx -> json(ctx, 200, api.queue(ctx.pathParam("name"))));
    route(
        HandlerType.POST,
        "/api/queues/{name}/pause",
        ctx -> changed(ctx, api.pause(ctx.pathParam("name"))));
    route(
        HandlerType.POST,
        "/api/queues/{name}/resume",
        ctx -> changed(ctx, api.resume(ctx.pathParam("name"))));

    route(HandlerType.GET, "/api/nodes", ctx -> json(ctx, 200, api.nodes()));

    route(HandlerType.GET, "/api/schedules", ctx -> json(ctx, 200, api.schedules()));
    route(
        HandlerType.GET,
        "/api/schedules/{name}",
        ctx -> json(ctx, 200, api.schedule(ctx.pathParam("name"))));
    route(
        HandlerType.GET,
        "/api/schedules/{name}/runs",
        ctx -> json(ctx, 200, api.scheduleRuns(ctx.pathParam("name"))));
    route(
        HandlerType.POST,
        "/api/schedules/{name}/enable",
        ctx -> changed(ctx, api.setEnabled(ctx.pathParam("name"), true)));
    route(
        HandlerType.POST,
        "/api/schedules/{name}/disable",
        ctx -> changed(ctx, api.setEnabled(ctx.pathParam("name"), false)));
    route(
        HandlerType.POST,
        "/api/schedules/{name}/run",
        ctx -> {
          ctx.header("HX-Trigger", CHANGED);
          var job = api.runNow(ctx.pathParam("name"));
          ctx.attribute(
              AUDIT_TARGET, "schedule %s: job %s".formatted(ctx.pathParam("name"), job.id()));
          json(ctx, 201, job);
        });

    route(HandlerType.GET, "/api/audit", ctx -> json(ctx, 200, api.audit(ctx.queryParamMap())));
    route(HandlerType.GET, "/api/throughput", ctx -> json(ctx, 200, runtime.throughput()));
    route(HandlerType.GET, "/api/history", ctx -> json(ctx, 200, api.history(ctx.queryParamMap())));
    route(HandlerType.GET, "/api/events", this::events);
  }

  /**
   * Opens an event stream: the filter and the place are checked first, while an error can still be
   * answered with a status.
   */
  private void events(Context ctx) throws Exception {
    var request = ApiRoutes.eventFilter(ctx.queryParamMap());
    var lastEventId = java.util.Optional.ofNullable(ctx.header("Last-Event-ID"));
    events.reserve();
    // Not Javalin's SseHandler: it answers an empty 200 unless Accept is exactly
    // text/event-stream, which curl and many clients do not send. The headers go out with the
    // stream's first line, written once it is registered: a client that has its 200 misses
    // nothing after it.
    var response = ctx.res();
    response.setStatus(200);
    response.setCharacterEncoding("UTF-8");
    response.setContentType("text/event-stream");
    response.setHeader("X-Accel-Buffering", "no"); // nginx would hold events back otherwise
    events.serve(new SseClient(ctx), request.filter(), request.changes(), lastEventId);
  }

  /** Counters of what the server refused, on the metrics registry next to Docket's own. */
  private void registerMeters(MeterRegistry registry) {
    FunctionCounter.builder("docket.http.malformed.requests", malformed, MalformedRequests::count)
        .description("Requests refused before routing because they were malformed")
        .register(registry);
    FunctionCounter.builder("docket.http.auth.failures", throttle, AuthThrottle::failures)
        .description("Wrong tokens, on the login page and the API")
        .register(registry);
    FunctionCounter.builder("docket.http.auth.refusals", throttle, AuthThrottle::refusals)
        .description("Token attempts refused with 429 because their address sent too many wrong")
        .register(registry);
    Gauge.builder("docket.http.event.streams", events, EventStreams::open)
        .description("Event streams (GET /api/events) open on this node")
        .register(registry);
  }

  private void scrape(Context ctx) {
    if (prometheus == null) {
      throw new ApiException(
          404,
          ErrorCode.METRICS_DISABLED,
          "This server was made without metrics: there is nothing to scrape.");
    }
    metrics.refreshGauges(); // so that queues seen for the first time are in this scrape
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
  }

  private void route(HandlerType method, String path, Handler handler) {
    routes.add(method + " " + path);
    app.addHttpHandler(
        method, path, isSafe(method) ? handler : audited(method + " " + path, handler));
  }

  /**
   * A change's handler that writes one audit entry when it is done: the route, its target (from the
   * path, or what the handler put in {@link #AUDIT_TARGET}) and the status. A change that throws is
   * recorded by {@link #fail} with the status it is answered with.
   */
  private Handler audited(String route, Handler handler) {
    return ctx -> {
      ctx.attribute(AUDIT_ROUTE, route);
      ctx.attribute(AUDIT_TARGET, pathTarget(ctx.pathParamMap(), route));
      handler.handle(ctx);
      audit(ctx, ctx.statusCode());
    };
  }

  /** What a change's path names: a job, a queue or a schedule. */
  private static String pathTarget(Map<String, String> parameters, String route) {
    if (parameters.containsKey("id")) {
      return "job " + parameters.get("id");
    }
    if (parameters.containsKey("name")) {
      return (route.contains("/schedules/") ? "schedule " : "queue ") + parameters.get("name");
    }
    return "";
  }

  /** Writes the audit entry of the request's change, once, if it is one and has a caller. */
  private void audit(Context ctx, int status) {
    String route = ctx.attribute(AUDIT_ROUTE);
    Access.Caller caller = ctx.attribute(CALLER);
    if (route == null || caller == null || caller.kind() == Access.Kind.NONE) {
      return;
    }
    ctx.attribute(AUDIT_ROUTE, null);
    String target = ctx.attribute(AUDIT_TARGET);
    audit.record(caller.actor(), route, target == null ? "" : target, status);
  }

  private void ready(Context ctx) {
    if (!runtime.isRunning()) {
      json(ctx, 503, Map.of("status", "down", "reason", "The runtime is not running."));
      return;
    }
    var check = CompletableFuture.runAsync(store::checkHealth);
    try {
      check.get(READINESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      json(ctx, 200, Map.of("status", "up"));
    } catch (TimeoutException e) {
      check.cancel(true);
      json(
          ctx,
          503,
          Map.of(
              "status",
              "down",
              "reason",
              "The store did not answer within %d ms.".formatted(READINESS_TIMEOUT_MS)));
    } catch (ExecutionException e) {
      json(
          ctx,
          503,
          Map.of("status", "down", "reason", "The store fails: " + e.getCause().getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      json(ctx, 503, Map.of("status", "down", "reason", "The check was interrupted."));
    }
  }

  private String openApi() throws IOException {
    try (InputStream in =
        DocketServer.class.getResourceAsStream("/dev/docket/http/web/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("The OpenAPI document is missing from the jar.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- Access ----------------------------------------------------------------------------

  /** Lets a request through, or answers 401, 403 or 429 for it. Runs before every handler. */
  private void secure(Context ctx) {
    String path = ctx.path();
    ctx.header("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with its
    // own forms, and the origin check of the login would refuse them.
    ctx.header("Referrer-Policy", "same-origin");
    if (!path.startsWith("/api/") && !path.equals("/api")) {
      dashboard.secure(ctx);
      return;
    }
    ctx.header("Cache-Control", "no-store");
    Access.Caller caller = checkedCaller(ctx);
    if (caller.kind() == Access.Kind.NONE) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"docket\"");
      throw new ApiException(
          401,
          ErrorCode.UNAUTHORIZED,
          "This API needs the header Authorization: Bearer <token>, with the token the server"
              + " was configured with.");
    }
    if (ctx.method() == HandlerType.HEAD) {
      // Javalin would answer HEAD without running the GET handler: 200 even for a missing job.
      throw new ApiException(
          405, ErrorCode.METHOD_NOT_ALLOWED, "HEAD is not supported on the API: use GET.");
    }
    if (caller.kind() == Access.Kind.LOCAL && !Dashboard.grantsLocally(ctx.method(), path)) {
      throw new ApiException(
          403,
          ErrorCode.FORBIDDEN,
          "Without the token, a browser on this machine may use the dashboard and its buttons"
              + " only: send Authorization: Bearer <token> for the rest of the API.");
    }
    ctx.attribute(CALLER, caller);
    if (caller.readOnly() && !isSafe(ctx.method())) {
      // Recorded: an attempt to change with a credential that may not is worth an operator's eye.
      audit.record(caller.actor(), ctx.method() + " " + path, "", 403);
      throw new ApiException(403, ErrorCode.FORBIDDEN, READ_ONLY_MESSAGE);
    }
    if (caller.isBrowser() && !isSafe(ctx.method())) {
      requireSameOriginChange(ctx, caller.session());
    }
    requireWellFormedQuery(ctx.queryString());
  }

  /**
   * Who sent a request, with wrong tokens counted against the client's address: while it is shut
   * out for too many, any token it sends is refused with 429 without being looked at. Every request
   * that may carry a token, to the API or to a page, is identified through here.
   */
  Access.Caller checkedCaller(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization == null) {
      return caller(ctx);
    }
    String client = clientAddress(ctx);
    Instant now = clock.instant();
    requireNotShutOut(ctx, client, now);
    Access.Caller caller = caller(ctx);
    if (caller.kind() == Access.Kind.NONE) {
      throttle.failed(client, now);
    } else {
      throttle.succeeded(client);
    }
    return caller;
  }

  /** Refuses with 429 while {@code client} is shut out for sending wrong tokens. */
  void requireNotShutOut(Context ctx, String client, Instant now) {
    throttle
        .shutOut(client, now)
        .ifPresent(
            wait -> {
              long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
              ctx.header("Retry-After", String.valueOf(seconds));
              throw new ApiException(
                  429,
                  ErrorCode.TOO_MANY_FAILURES,
                  "Too many wrong tokens came from this address: try again in %d s."
                      .formatted(seconds));
            });
  }

  AuthThrottle throttle() {
    return throttle;
  }

  /**
   * The client's address: the peer's, or behind a trusted proxy the last address in {@code
   * X-Forwarded-For}, the one that proxy saw.
   */
  String clientAddress(Context ctx) {
    String peer = ctx.req().getRemoteAddr();
    if (!options.trustProxy()) {
      return peer;
    }
    String forwarded = ctx.header("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
    return last.isEmpty() ? peer : last;
  }

  /** Whether the browser reached us over HTTPS, directly or through a trusted proxy. */
  boolean overHttps(Context ctx) {
    if (options.secureCookies() || "https".equals(ctx.scheme())) {
      return true;
    }
    return options.trustProxy() && "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  /** The container drops what it cannot decode, which would silently widen a search. */
  static void requireWellFormedQuery(String query) {
    if (query == null || !MALFORMED_ESCAPE.matcher(query).find()) {
      return;
    }
    for (String part : query.split("&")) {
      if (MALFORMED_ESCAPE.matcher(part).find()) {
        String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
        throw ApiException.badRequest(
            ErrorCode.INVALID_PARAMETER,
            "Parameter %s has a %% that is not followed by two hex digits: encode it as %%25."
                .formatted(dev.docket.domain.Names.quote(name)));
      }
    }
  }

  private static final java.util.regex.Pattern MALFORMED_ESCAPE =
      java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** Who sent a request; wrong tokens are not counted: see {@link #checkedCaller}. */
  private Access.Caller caller(Context ctx) {
    return access.identify(
        ctx.header("Authorization"),
        ctx.cookie(Access.SESSION_COOKIE),
        clientAddress(ctx),
        ctx.header("Host"),
        clock.instant());
  }

  static boolean isSafe(HandlerType method) {
    return method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS;
  }

  /** A browser's change must come from our page: its CSRF header and its origin say so. */
  void requireSameOriginChange(Context ctx, Sessions.Session session) {
    if (!Access.isSameOrigin(
        ctx.header("Origin"), ctx.header("Host"), ctx.header("Sec-Fetch-Site"))) {
      throw new ApiException(
          403, ErrorCode.CROSS_SITE, "Changes from another site's page are refused.");
    }
    if (!Access.isCsrfToken(session, ctx.header(Access.CSRF_HEADER))) {
      throw new ApiException(
          403,
          ErrorCode.CSRF,
          "A change from a browser needs the %s header of the dashboard's page: reload it."
              .formatted(Access.CSRF_HEADER));
    }
  }

  // ---- Bodies and answers ----------------------------------------------------------------

  /** The request body: JSON, else 415; refused with 413 when longer than the configured limit. */
  private byte[] body(Context ctx) {
    requireJson(ctx.header("Content-Type"));
    int max = options.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw tooLarge(declared, max);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        throw tooLarge(body.length, max);
      }
      return body;
    } catch (IOException e) {
      throw ApiException.badRequest(
          ErrorCode.UNREADABLE_BODY, "The request body could not be read.");
    }
  }

  /** The API reads JSON only: a form or text would be parsed as something it did not say. */
  static void requireJson(String contentType) {
    String type =
        contentType == null
            ? ""
            : contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!type.equals("application/json")) {
      throw new ApiException(
          415,
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "The body must be JSON, sent with Content-Type: application/json%s."
              .formatted(
                  contentType == null
                      ? ""
                      : " (this request says " + dev.docket.domain.Names.quote(contentType) + ")"));
    }
  }

  private static ApiException tooLarge(long size, int max) {
    return new ApiException(
        413,
        ErrorCode.BODY_TOO_LARGE,
        "The request body has %s bytes, more than the %d this server accepts."
            .formatted(size, max));
  }

  static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(ApiJson.write(body));
  }

  /** A change's answer; it tells the dashboard's live parts to refresh. */
  private static void changed(Context ctx, Object body) {
    ctx.header("HX-Trigger", CHANGED);
    json(ctx, 200, body);
  }

  private void fail(Exception e, Context ctx) {
    int status;
    ErrorCode code;
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    switch (e) {
      case ApiException api -> {
        status = api.status();
        code = api.code();
      }
      case JobNotFoundException notFound -> {
        status = 404;
        code = ErrorCode.NOT_FOUND;
      }
      case IllegalTransitionException transition -> {
        status = 409;
        code = ErrorCode.CONFLICT;
      }
      case PayloadException payload -> {
        status = 400;
        code = ErrorCode.INVALID_PAYLOAD;
      }
      case StorageException storage -> {
        status = 503;
        code = ErrorCode.STORE_UNAVAILABLE;
        LOG.log(
            Level.WARNING,
            "A request failed because the store did: {0}",
            dev.docket.domain.LogText.escape(message));
      }
      case IllegalStateException state -> {
        status = 409;
        code = ErrorCode.CONFLICT;
      }
      case IllegalArgumentException argument -> {
        status = 400;
        code = ErrorCode.INVALID_REQUEST;
      }
      case HttpResponseException http -> {
        status = http.getStatus();
        code =
            switch (status) {
              case 404 -> ErrorCode.NOT_FOUND;
              case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
              case 413 -> ErrorCode.BODY_TOO_LARGE;
              case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
              default -> ErrorCode.INVALID_REQUEST;
            };
        message =
            switch (status) {
              case 404 -> "There is nothing at %s %s.".formatted(ctx.method(), ctx.path());
              case 405 -> "%s is not allowed on %s.".formatted(ctx.method(), ctx.path());
              default -> message;
            };
      }
      case DocketException docket -> {
        status = 409;
        code = ErrorCode.CONFLICT;
      }
      default -> {
        status = 500;
        code = ErrorCode.INTERNAL_ERROR;
        message = "The server failed; its log says why.";
        LOG.log(
            Level.ERROR,
            "Request "
                + ctx.method()
                + " "
                + dev.docket.domain.LogText.escape(ctx.path())
                + " failed.",
            e);
      }
    }
    ctx.attribute(ANSWERED, true);
    audit(ctx, status);
    if (isMachinePath(ctx.path()) || status == 401) {
      json(ctx, status, new ApiJson.ErrorView(code.wire(), message));
    } else {
      dashboard.error(ctx, status, message);
    }
  }

  /** Paths whose callers are programs, so errors are JSON; the dashboard's errors are pages. */
  private static boolean isMachinePath(String path) {
    return path.startsWith("/api/")
        || path.equals("/api")
        || path.startsWith("/health")
        || path.startsWith("/metrics")
        || path.startsWith("/openapi");
  }

  private void failIfEmpty(Context ctx, ErrorCode code, String message) {
    if (Boolean.TRUE.equals(ctx.attribute(ANSWERED))) {
      return; // an exception's answer stands
    }
    if (ctx.path().startsWith("/api/")
        || ctx.path().startsWith("/health")
        || ctx.path().startsWith("/metrics")) {
      json(ctx, ctx.statusCode(), new ApiJson.ErrorView(code.wire(), message));
    } else {
      dashboard.error(ctx, ctx.statusCode(), message);
    }
  }

  /**
   * Jetty's answer to a request it cannot parse (a malformed escape in the path, a bad header),
   * before Javalin sees it: JSON like every other error, not Jetty's HTML page.
   */
  static final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    private final MalformedRequests malformed;

    JsonErrorHandler(MalformedRequests malformed) {
      this.malformed = malformed;
    }

    @Override
    public java.nio.ByteBuffer badMessageError(
        int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
      malformed.refused(status, reason);
      fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
      String message =
          "The request is malformed"
              + (reason == null || reason.isBlank() ? "." : ": " + reason + ".");
      return java.nio.ByteBuffer.wrap(
          ApiJson.write(new ApiJson.ErrorView(ErrorCode.INVALID_REQUEST.wire(), message))
              .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void generateAcceptableResponse(
        org.eclipse.jetty.server.Request baseRequest,
        jakarta.servlet.http.HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response,
        int code,
        String message)
        throws IOException {
      baseRequest.setHandled(true);
      response.setContentType("application/json");
      response
          .getOutputStream()
          .write(
              ApiJson.write(
                      new ApiJson.ErrorView(
                          (code == 404 ? ErrorCode.NOT_FOUND : ErrorCode.INVALID_REQUEST).wire(),
                          "The request could not be served"
                              + (message == null || message.isBlank()
                                  ? "."
                                  : ": " + message + ".")))
                  .getBytes(StandardCharsets.UTF_8));
    }
  }
}
