package dev.docket.store.postgres;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.ErrorGroup;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.ProgressReport;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RescueRequest;
import dev.docket.usecase.port.RunningQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The {@link JobStorage} on PostgreSQL.
 *
 * <p>The hot paths are single set-based statements: a claim is one {@code UPDATE ... FROM (SELECT
 * ... FOR UPDATE SKIP LOCKED) RETURNING}, a batch of outcomes one {@code UPDATE ... FROM
 * unnest(...)} per kind of outcome, a heartbeat one statement for all leases. Each outcome and
 * lease statement checks the lease fence in its {@code WHERE}, so a stale worker's write matches no
 * row, and locks its rows in id order before it writes them, so that two such statements never
 * deadlock (see {@link Sql}). Rarer changes (cancel, retry by hand, rescue) read the row under
 * {@code FOR UPDATE}, apply the domain's transition and write the row back, so the domain stays the
 * one place that decides.
 */
final class PostgresJobStorage implements JobStorage {
  private static final Comparator<Job> CLAIM_ORDER =
      Comparator.comparing(Job::priority)
          .reversed()
          .thenComparing(Job::runAt)
          .thenComparing(Job::id);

  /**
   * How often, by the claims' own clock, a claim first moves due 'scheduled' rows of its queue to
   * 'pending' (up to 1,000). Claims take due 'scheduled' rows directly as well, so this is not
   * needed for correctness; it keeps the claim's sort of due 'scheduled' rows small.
   */
  static final java.time.Duration PROMOTE_EVERY = java.time.Duration.ofSeconds(1);

  /** The most rows one promotion moves; {@link Sql#promote} has the same number. */
  static final int PROMOTE_LIMIT = 1_000;

  private final Map<String, Instant> promotedAt = new java.util.concurrent.ConcurrentHashMap<>();

  private final Jdbi jdbi;
  private final ConnectionFactory connections;
  private final Sql sql;
  private final JobInserter inserter;
  private final WorkerStatements worker;

  /**
   * @param jdbi the store's JDBI
   * @param connections the connections of that JDBI, for the worker path's plain JDBC statements
   *     (see {@link Jdbc})
   */
  PostgresJobStorage(Jdbi jdbi, ConnectionFactory connections, Sql sql) {
    this.jdbi = jdbi;
    this.connections = connections;
    this.sql = sql;
    this.inserter = new JobInserter(sql);
    this.worker = new WorkerStatements(sql);
  }

  /** The worker path's statements, ready for JDBC once, when the store starts. */
  private record WorkerStatements(
      Jdbc.Statement claim,
      Jdbc.Statement claimKinds,
      Jdbc.Statement promote,
      Jdbc.Statement madeUpRow,
      Jdbc.Statement lockInIdOrder,
      Jdbc.Statement find,
      Map<Class<?>, Jdbc.Statement> outcomes) {
    WorkerStatements(Sql sql) {
      this(
          Jdbc.Statement.of(sql.claim),
          Jdbc.Statement.of(sql.claimKinds),
          Jdbc.Statement.of(sql.promote),
          Jdbc.Statement.of(sql.madeUpRow),
          Jdbc.Statement.of(sql.lockInIdOrder),
          Jdbc.Statement.of(sql.find),
          Map.of(
              Outcome.Completed.class, Jdbc.Statement.of(sql.complete),
              Outcome.Retried.class, Jdbc.Statement.of(sql.retry),
              Outcome.Failed.class, Jdbc.Statement.of(sql.fail),
              Outcome.Cancelled.class, Jdbc.Statement.of(sql.cancel),
              Outcome.Released.class, Jdbc.Statement.of(sql.release)));
    }
  }

  JobInserter inserter() {
    return inserter;
  }

  @Override
  public List<Job> insert(List<Job> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    return Failures.translate(
        "insert " + jobs.size() + " jobs",
        () ->
            JobInserter.needsTransaction(jobs)
                ? Jdbc.transaction(connections, c -> inserter.insert(c, jobs))
                : Jdbc.autocommit(connections, c -> inserter.insert(c, jobs)));
  }

  @Override
  public Job insertClaimed(Job job, ClaimRequest claim) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(claim, "claim");
    if (job.uniqueKey().isPresent()
        || !job.queue().equals(claim.queue())
        || !claim.accepts(job.kind())
        || !job.isRunnableAt(claim.now())
        || job.attempt() != 0) {
      return insert(List.of(job)).get(0);
    }
    Job claimed = job.claim(claim.owner(), claim.now(), claim.leaseDuration());
    String state =
        Failures.translate(
            "insert job " + job.id(),
            () ->
                Jdbc.autocommit(connections, c -> inserter.insertClaimed(c, job, claimed, claim)));
    return state.equals("running") ? claimed : job;
  }

  @Override
  public List<Job> claim(ClaimRequest request) {
    // One statement in autocommit: one round trip, no BEGIN or COMMIT of its own.
    return Failures.translate(
        "claim jobs of queue " + request.queue(),
        () ->
            Jdbc.autocommit(
                connections,
                c -> {
                  promoteNowAndThen(c, request);
                  return claim(
                      c,
                      request.queue(),
                      request.limit(),
                      request.owner(),
                      request.now(),
                      request.leaseDuration(),
                      request.kinds());
                }));
  }

  private List<Job> claim(
      Connection c,
      String queue,
      int limit,
      String owner,
      Instant now,
      java.time.Duration lease,
      java.util.Set<String> kinds)
      throws SQLException {
    boolean byKind = !kinds.isEmpty();
    var values = new HashMap<String, Object>();
    values.put("queue", queue);
    values.put("now", JobRows.offset(now));
    values.put("limit", limit);
    values.put("owner", owner);
    values.put("expires", JobRows.offset(now.plus(lease)));
    if (byKind) {
      values.put("kinds", c.createArrayOf("text", kinds.toArray(String[]::new)));
    }
    List<Job> claimed = readJobs((byKind ? worker.claimKinds : worker.claim).prepare(c, values));
    claimed.sort(CLAIM_ORDER);
    return claimed;
  }

  /** Every row {@code statement} returns, read as a job; closes the statement. */
  private static List<Job> readJobs(PreparedStatement statement) throws SQLException {
    try (statement;
        ResultSet rs = statement.executeQuery()) {
      var jobs = new ArrayList<Job>();
      while (rs.next()) {
        jobs.add(JobRows.read(rs));
      }
      return jobs;
    }
  }

  /** Any time does: the warm-up's statements match no row whatever it is. */
  private static final Instant WARM_UP_TIME = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * Runs the worker path's statements once each on nothing (a claim of no rows from a queue no job
   * can have, outcomes and a lease extension of a job that does not exist) and reads a made-up
   * claimed job the way a claim does, so that a node's first claim does not pay for parsing,
   * planning and loading the classes of them all. Changes nothing.
   */
  void warmUp() {
    Instant now = WARM_UP_TIME;
    var nobody = new JobId(new UUID(0, 0));
    Failures.translate(
        "warm up",
        () ->
            Jdbc.autocommit(
                connections,
                c -> {
                  claim(c, "", 0, "warm-up", now, java.time.Duration.ofMinutes(1), Set.of());
                  claim(
                      c, "", 0, "warm-up", now, java.time.Duration.ofMinutes(1), Set.of("warm-up"));
                  var madeUp =
                      readJobs(worker.madeUpRow.prepare(c, Map.of("now", JobRows.offset(now))));
                  madeUp.sort(CLAIM_ORDER);
                  return null;
                }));
    report(List.of(new Outcome.Completed(nobody, 1, now)));
    extendLeases(List.of(new LeaseExtension(nobody, 1, now.plusSeconds(60), now)));
  }

  private void promoteNowAndThen(Connection c, ClaimRequest request) throws SQLException {
    Instant last = promotedAt.get(request.queue());
    if (last != null
        && !request.now().isBefore(last)
        && request.now().isBefore(last.plus(PROMOTE_EVERY))) {
      return;
    }
    int promoted;
    try (var statement =
        worker.promote.prepare(
            c, Map.of("queue", request.queue(), "now", JobRows.offset(request.now())))) {
      promoted = statement.executeUpdate();
    }
    if (promoted < PROMOTE_LIMIT) {
      promotedAt.put(request.queue(), request.now());
    } else {
      // More came due than one promotion moves: the next claim promotes again, so that the
      // claim's sort of due 'scheduled' rows stays small.
      promotedAt.remove(request.queue());
    }
  }

  /**
   * Whether every outcome finishes its job: then no statement makes a job pending, no NOTIFY
   * follows, and a batch of one kind is one statement that needs no transaction around it.
   */
  private static boolean onlyFinishes(List<Outcome> outcomes) {
    Class<?> kind = null;
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Retried || outcome instanceof Outcome.Released) {
        return false;
      }
      if (kind != null && kind != outcome.getClass()) {
        return false;
      }
      kind = outcome.getClass();
    }
    return true;
  }

  @Override
  public List<Outcome> report(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return List.of();
    }
    // Each outcome is atomic on its own, so the statements need no transaction around them: in
    // autocommit a batch of one kind is one round trip.
    return Failures.translate(
        "report " + outcomes.size() + " outcomes",
        () ->
            onlyFinishes(outcomes)
                ? Jdbc.autocommit(connections, c -> report(c, outcomes))
                : Jdbc.transaction(connections, c -> report(c, outcomes)));
  }

  private List<Outcome> report(Connection c, List<Outcome> outcomes) throws SQLException {
    // One statement per kind of outcome. A batch that names a job twice is applied one outcome at
    // a time instead, in order, so that the first valid one wins as it would one by one.
    var groups = new ArrayList<List<Outcome>>();
    var ids = new HashSet<UUID>();
    boolean repeats = false;
    for (Outcome outcome : outcomes) {
      repeats |= !ids.add(outcome.jobId().value());
    }
    if (repeats) {
      outcomes.forEach(o -> groups.add(List.of(o)));
    } else {
      var byKind = new java.util.LinkedHashMap<Class<?>, List<Outcome>>();
      for (Outcome outcome : outcomes) {
        byKind.computeIfAbsent(outcome.getClass(), k -> new ArrayList<>()).add(outcome);
      }
      groups.addAll(byKind.values());
    }
    if (groups.size() > 1) {
      // Several statements in one transaction: each locks its own rows in id order, but the
      // transaction as a whole would not (a first statement's high ids, then a second's low ones),
      // so a heartbeat could still deadlock with it. Locking every row of the batch in id order
      // first keeps the one global order; the statements then find their rows locked already.
      var values =
          Map.of(
              "ids", c.createArrayOf("uuid", map(outcomes, o -> o.jobId().value()).toArray()),
              "fences", c.createArrayOf("bigint", map(outcomes, Outcome::fence).toArray()));
      try (var statement = worker.lockInIdOrder.prepare(c, values);
          ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          // Locking is the point; the rows themselves are not needed.
        }
      }
    }
    var refused = new ArrayList<Outcome>();
    Set<String> dueQueues = new LinkedHashSet<>();
    for (List<Outcome> group : groups) {
      Set<UUID> applied = applyGroup(c, group, dueQueues);
      for (Outcome outcome : group) {
        if (!applied.contains(outcome.jobId().value())) {
          if (outcome instanceof Outcome.Retried retried) {
            requireNotAnInvalidRetry(c, retried);
          }
          refused.add(outcome);
        }
      }
    }
    inserter.notify(c, dueQueues);
    return refused;
  }

  private Set<UUID> applyGroup(Connection c, List<Outcome> group, Set<String> dueQueues)
      throws SQLException {
    Set<UUID> applied = new HashSet<>();
    try (var statement =
            worker.outcomes.get(group.get(0).getClass()).prepare(c, outcomeValues(c, group));
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        applied.add(rs.getObject("id", UUID.class));
        if ("pending".equals(rs.getString("state"))) {
          dueQueues.add(rs.getString("queue"));
        }
      }
    }
    return applied;
  }

  /** A retry the statement skipped under a valid lease has no attempts left: a caller's bug. */
  private void requireNotAnInvalidRetry(Connection c, Outcome.Retried retried) throws SQLException {
    readJobs(worker.find.prepare(c, Map.of("id", retried.jobId().value()))).stream()
        .filter(job -> job.isLeasedUnder(retried.fence()))
        .findFirst()
        .ifPresent(job -> retried.applyTo(job)); // throws IllegalStateException, as the domain does
  }

  /** The arrays an outcome statement of {@code group}'s kind takes, by parameter name. */
  private static Map<String, Object> outcomeValues(Connection c, List<Outcome> group)
      throws SQLException {
    var values = new HashMap<String, Object>();
    values.put("ids", c.createArrayOf("uuid", map(group, o -> o.jobId().value()).toArray()));
    values.put("fences", c.createArrayOf("bigint", map(group, Outcome::fence).toArray()));
    values.put("ats", texts(c, map(group, o -> JobRows.timestamp(o.at()))));
    switch (group.get(0)) {
      case Outcome.Retried r -> {
        values.put(
            "runAts", texts(c, map(group, o -> JobRows.timestamp(((Outcome.Retried) o).runAt()))));
        values.put(
            "errors", texts(c, map(group, o -> JobRows.errorJson(((Outcome.Retried) o).error()))));
      }
      case Outcome.Failed f ->
          values.put(
              "errors", texts(c, map(group, o -> JobRows.errorJson(((Outcome.Failed) o).error()))));
      case Outcome.Completed done ->
          values.put(
              "results", texts(c, map(group, o -> ((Outcome.Completed) o).result().orElse(null))));
      case Outcome.Cancelled cancelled -> {}
      case Outcome.Released released -> {}
    }
    return values;
  }

  private static java.sql.Array texts(Connection c, List<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(String[]::new));
  }

  @Override
  public List<LeaseStatus> extendLeases(List<LeaseExtension> extensions) {
    if (extensions.isEmpty()) {
      return List.of();
    }
    Map<UUID, Boolean> held =
        Failures.translate(
            "extend " + extensions.size() + " leases",
            () ->
                Transactions.autocommit(
                    jdbi,
                    h -> {
                      var result = new HashMap<UUID, Boolean>();
                      h.createQuery(sql.extend)
                          .bindArray("ids", UUID.class, map(extensions, e -> e.jobId().value()))
                          .bindArray("fences", Long.class, map(extensions, LeaseExtension::fence))
                          .bindArray(
                              "expires",
                              String.class,
                              map(extensions, e -> JobRows.timestamp(e.expiresAt())))
                          .bindArray(
                              "ats", String.class, map(extensions, e -> JobRows.timestamp(e.at())))
                          .map(
                              (rs, ctx) ->
                                  result.put(
                                      rs.getObject("id", UUID.class),
                                      rs.getBoolean("cancel_requested")))
                          .list();
                      return result;
                    }));
    var statuses = new ArrayList<LeaseStatus>(extensions.size());
    for (LeaseExtension extension : extensions) {
      Boolean cancelRequested = held.get(extension.jobId().value());
      statuses.add(
          cancelRequested == null
              ? LeaseStatus.lost(extension.jobId())
              : new LeaseStatus(extension.jobId(), true, cancelRequested));
    }
    return statuses;
  }

  @Override
  public boolean reportProgress(ProgressReport report) {
    Objects.requireNonNull(report, "report");
    Progress progress = report.progress();
    return Failures.translate(
        "report progress of job " + report.jobId(),
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.reportProgress)
                            .bind("id", report.jobId().value())
                            .bind("fence", report.fence())
                            .bind("percent", (short) progress.percent())
                            .bind("message", progress.message())
                            .bind("at", JobRows.offset(progress.at()))
                            .execute()
                        == 1));
  }

  @Override
  public Optional<Job> find(JobId id) {
    Objects.requireNonNull(id, "id");
    return Failures.translate(
        "find job " + id, () -> Transactions.autocommit(jdbi, h -> find(h, id)));
  }

  private Optional<Job> find(Handle h, JobId id) {
    return find(h, id, sql.find);
  }

  private static Optional<Job> find(Handle h, JobId id, String statement) {
    return h.createQuery(statement)
        .bind("id", id.value())
        .map((rs, ctx) -> JobRows.read(rs))
        .findOne();
  }

  @Override
  public List<Job> running(RunningQuery query) {
    Objects.requireNonNull(query, "query");
    if (query.owners().isEmpty()) {
      return List.of();
    }
    return Failures.translate(
        "list the running jobs of " + query.owners().size() + " owners",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createQuery(sql.running)
                        .bind("owners", query.owners().toArray(String[]::new))
                        .bind("limit", query.limit())
                        .map((rs, ctx) -> JobRows.read(rs))
                        .list()));
  }

  @Override
  public JobPage list(JobQuery query) {
    String text = listText(query);
    List<Job> found =
        Failures.translate(
            "list jobs",
            () ->
                jdbi.withHandle(
                    h -> {
                      Query q = h.createQuery(text).bind("limit", query.limit() + 1);
                      bindFilters(query, q);
                      return q.map((rs, ctx) -> JobRows.read(rs)).list();
                    }));
    return JobPage.of(query, found);
  }

  /** The statement of {@link #list}, with {@code :limit} and {@link #bindFilters}' parameters. */
  String listText(JobQuery query) {
    var text = new StringBuilder("SELECT ").append(JobRows.COLUMNS).append(" FROM ");
    appendFrom(query, text, false);
    appendFilters(query, text, false);
    // A page before beforeId reads up from it, oldest first; JobPage.of turns it round.
    text.append(
        query.beforeId().isPresent()
            ? " ORDER BY id LIMIT :limit"
            : " ORDER BY id DESC LIMIT :limit");
    return text.toString();
  }

  @Override
  public long count(JobQuery query, long cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("The cap is %d; count up to 1 or more.".formatted(cap));
    }
    // Counting stops at the cap, so a count over millions of rows costs no more than the cap's.
    var text = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM ");
    appendFrom(query, text, true);
    appendFilters(query, text, true);
    text.append(" LIMIT :cap) AS matching");
    return Failures.translate(
        "count jobs",
        () ->
            jdbi.withHandle(
                h -> {
                  Query q = h.createQuery(text.toString()).bind("cap", cap);
                  bindFilters(query, q);
                  return q.mapTo(Long.class).one();
                }));
  }

  @Override
  public List<ErrorGroup> errorGroups(JobQuery query, int limit, long scan) {
    if (limit < 1 || scan < 1) {
      throw new IllegalArgumentException(
          "Group limit %d and scan %d must be 1 or more.".formatted(limit, scan));
    }
    // The newest matches first, as the port says, then grouped; array_agg picks each group's
    // newest job and message, since PostgreSQL 15 has no max(uuid).
    var text =
        new StringBuilder("SELECT errors -> -1 ->> 'type' AS type, count(*) AS n,")
            .append(" (array_agg(id ORDER BY id DESC))[1] AS latest,")
            .append(" (array_agg(errors -> -1 ->> 'message' ORDER BY id DESC))[1] AS message")
            .append(" FROM (SELECT id, errors FROM ");
    appendFrom(query, text, false);
    appendFilters(query, text, false);
    text.append(" ORDER BY id DESC LIMIT :scan) AS matching")
        .append(" WHERE jsonb_array_length(errors) > 0")
        .append(" GROUP BY 1 ORDER BY n DESC, type LIMIT :limit");
    return Failures.translate(
        "group jobs by error",
        () ->
            jdbi.withHandle(
                h -> {
                  Query q = h.createQuery(text.toString()).bind("scan", scan).bind("limit", limit);
                  bindFilters(query, q);
                  return q.map(
                          (rs, ctx) ->
                              new ErrorGroup(
                                  rs.getString("type"),
                                  rs.getLong("n"),
                                  JobId.of(rs.getObject("latest", java.util.UUID.class)),
                                  rs.getString("message")))
                      .list();
                }));
  }

  /**
   * The rows a query reads: the jobs table, or, for a count of due jobs ({@code union}), the
   * table's two parts that can be due, each read through its own partial index ({@code
   * jobs_claim_idx}, {@code jobs_scheduled_idx}). As one condition, {@code state IN ('pending',
   * 'scheduled') AND run_at <= :t}, a count reads the whole table (1.3 s at two million rows; the
   * union, 32 ms). Pages keep the one condition: there PostgreSQL misjudges how many scheduled rows
   * are due and scans the table for the union, while the newest-first scan of the primary key stops
   * after a page.
   */
  private void appendFrom(JobQuery query, StringBuilder text, boolean union) {
    if (union && isDue(query)) {
      text.append("(SELECT * FROM ")
          .append(sql.jobsTable)
          .append(" WHERE state = 'pending' AND run_at <= :runAtUpTo UNION ALL SELECT * FROM ")
          .append(sql.jobsTable)
          .append(" WHERE state = 'scheduled' AND run_at <= :runAtUpTo) AS due WHERE true");
    } else {
      text.append(sql.jobsTable).append(" WHERE true");
    }
  }

  private static boolean isDue(JobQuery query) {
    return query.state().filter(s -> s == JobState.PENDING).isPresent()
        && query.runAtUpTo().isPresent();
  }

  /**
   * The query's filters as SQL conditions, each with a named parameter {@link #bindFilters} binds.
   */
  private static void appendFilters(JobQuery query, StringBuilder text, boolean union) {
    query.queue().ifPresent(q -> text.append(" AND queue = :queue"));
    // Due jobs counted come from appendFrom's union, which filters their state and run-at.
    boolean due = union && isDue(query);
    query
        .state()
        .filter(s -> !due)
        .ifPresent(
            s ->
                text.append(
                    s == JobState.PENDING
                        ? " AND state IN ('pending', 'scheduled')"
                        : " AND state = :state"));
    query.kind().ifPresent(k -> text.append(" AND kind = :kind"));
    query.tag().ifPresent(t -> text.append(" AND :tag = ANY (tags)"));
    query.errorType().ifPresent(t -> text.append(" AND errors -> -1 ->> 'type' = :errorType"));
    query.createdFrom().ifPresent(f -> text.append(" AND created_at >= :createdFrom"));
    query.createdBefore().ifPresent(b -> text.append(" AND created_at < :createdBefore"));
    query.runAtUpTo().filter(t -> !due).ifPresent(t -> text.append(" AND run_at <= :runAtUpTo"));
    query.runAtAfter().ifPresent(t -> text.append(" AND run_at > :runAtAfter"));
    // Written as the opt-in GIN index's expression, (payload::jsonb), so that it serves this
    // test when an operator created it (docs/postgres.md); without it, the other filters narrow.
    query
        .payloadContains()
        .ifPresent(p -> text.append(" AND payload::jsonb @> CAST(:payloadContains AS jsonb)"));
    // No index: the newest-first walk of the primary key tests each id (docs/postgres.md).
    query.idSuffix().ifPresent(p -> text.append(" AND replace(id::text, '-', '') LIKE :idSuffix"));
    query.afterId().ifPresent(a -> text.append(" AND id < :afterId"));
    query.beforeId().ifPresent(a -> text.append(" AND id > :beforeId"));
  }

  static void bindFilters(JobQuery query, Query q) {
    query.queue().ifPresent(v -> q.bind("queue", v));
    query
        .state()
        .filter(s -> s != JobState.PENDING)
        .ifPresent(v -> q.bind("state", JobRows.dbState(v)));
    query.kind().ifPresent(v -> q.bind("kind", v));
    query.tag().ifPresent(v -> q.bind("tag", v));
    query.errorType().ifPresent(v -> q.bind("errorType", v));
    query.createdFrom().ifPresent(v -> q.bind("createdFrom", JobRows.offset(v)));
    query.createdBefore().ifPresent(v -> q.bind("createdBefore", JobRows.offset(v)));
    query.runAtUpTo().ifPresent(v -> q.bind("runAtUpTo", JobRows.offset(v)));
    query.runAtAfter().ifPresent(v -> q.bind("runAtAfter", JobRows.offset(v)));
    query.payloadContains().ifPresent(v -> q.bind("payloadContains", v));
    // Hex digits only (JobQuery checks), so nothing in the pattern needs escaping.
    query.idSuffix().ifPresent(v -> q.bind("idSuffix", "%" + v));
    query.afterId().ifPresent(v -> q.bind("afterId", v.value()));
    query.beforeId().ifPresent(v -> q.bind("beforeId", v.value()));
  }

  @Override
  public Optional<Job> update(JobId id, UnaryOperator<Job> change) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(change, "change");
    return Failures.translate(
        "update job " + id,
        () ->
            Transactions.transaction(
                jdbi,
                h -> {
                  Optional<Job> current = find(h, id, sql.findForUpdate);
                  if (current.isEmpty()) {
                    return Optional.<Job>empty();
                  }
                  Job job = current.get();
                  Job next = change.apply(job);
                  if (next == job) {
                    return Optional.of(job);
                  }
                  job.requireSuccessor(next);
                  writeBack(h, List.of(next));
                  return Optional.of(next);
                }));
  }

  @Override
  public Optional<Job> delete(JobId id) {
    Objects.requireNonNull(id, "id");
    return Failures.translate(
        "delete job " + id,
        () ->
            Transactions.transaction(
                jdbi,
                h -> {
                  Optional<Job> current = find(h, id, sql.findForUpdate);
                  if (current.isPresent()) {
                    current.get().requireDeletable();
                    h.createUpdate(sql.delete).bind("id", id.value()).execute();
                  }
                  return current;
                }));
  }

  @Override
  public List<Job> rescueExpired(RescueRequest request) {
    return Failures.translate(
        "rescue expired leases",
        () ->
            Transactions.transaction(
                jdbi,
                h -> {
                  List<Job> expired =
                      h.createQuery(sql.expired)
                          .bind("now", JobRows.offset(request.now()))
                          .bind("limit", request.limit())
                          .map((rs, ctx) -> JobRows.read(rs))
                          .list();
                  var rescued = new ArrayList<Job>(expired.size());
                  for (Job job : expired) {
                    rescued.add(job.expireLease(request.now(), request.random()));
                  }
                  writeBack(h, rescued);
                  return rescued;
                }));
  }

  /** Writes every field a transition can change, and wakes workers of queues with due jobs. */
  private void writeBack(Handle h, List<Job> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    var batch = h.prepareBatch(sql.writeBack);
    var dueQueues = new LinkedHashSet<String>();
    for (Job job : jobs) {
      String state = JobRows.dbState(job);
      if (state.equals("pending")) {
        dueQueues.add(job.queue());
      }
      batch
          .bind("id", job.id().value())
          .bind("state", state)
          .bind("priority", (short) job.priority().value())
          .bind("runAt", JobRows.offset(job.runAt()))
          .bind("attempt", job.attempt())
          .bind("maxAttempts", job.maxAttempts())
          .bind("updatedAt", JobRows.offset(job.updatedAt()))
          .bind("finishedAt", job.finishedAt().map(JobRows::offset).orElse(null))
          .bind("errors", JobRows.errorsJson(job.errors()))
          .bind("leaseOwner", job.lease().map(l -> l.owner()).orElse(null))
          .bind("leaseFence", job.lease().map(l -> l.fence()).orElse(null))
          .bind("leaseExpiresAt", job.lease().map(l -> JobRows.offset(l.expiresAt())).orElse(null))
          .bind("leaseStartedAt", job.lease().map(l -> JobRows.offset(l.startedAt())).orElse(null))
          .bind("version", job.version())
          .bind("cancelRequested", job.isCancelRequested())
          .bind("result", job.result().orElse(null))
          .bind("progressPercent", job.progress().map(p -> (short) p.percent()).orElse(null))
          .bind("progressMessage", job.progress().map(Progress::message).orElse(null))
          .bind("progressAt", job.progress().map(p -> JobRows.offset(p.at())).orElse(null))
          .bind("attempts", JobRows.attemptsJson(job.attempts()))
          .add();
    }
    batch.execute();
    notify(h, dueQueues);
  }

  private void notify(Handle h, Set<String> queues) {
    try {
      inserter.notify(h.getConnection(), queues);
    } catch (java.sql.SQLException e) {
      throw new org.jdbi.v3.core.ConnectionException(e);
    }
  }

  @Override
  public int agePriorities(dev.docket.usecase.port.AgingRequest request) {
    return Failures.translate(
        "age waiting jobs",
        () ->
            Transactions.transaction(
                jdbi,
                h -> {
                  List<Job> waiting =
                      h.createQuery(sql.ageable)
                          .bind("waitedSince", JobRows.offset(request.waitedSince()))
                          .bind("limit", request.limit())
                          .map((rs, ctx) -> JobRows.read(rs))
                          .list();
                  var aged = new ArrayList<Job>(waiting.size());
                  for (Job job : waiting) {
                    if (job.isRunnableAt(request.now())) {
                      aged.add(job.ageUp(request.now()));
                    }
                  }
                  writeBack(h, aged);
                  return aged.size();
                }));
  }

  @Override
  public List<QueueStats> stats(Instant now) {
    Objects.requireNonNull(now, "now");
    return Failures.translate(
        "read statistics",
        () ->
            jdbi.withHandle(
                h ->
                    h.createQuery(sql.stats)
                        .bind("now", JobRows.offset(now))
                        .map(
                            (rs, ctx) -> {
                              var counts = new EnumMap<JobState, Long>(JobState.class);
                              counts.put(JobState.PENDING, rs.getLong("pending"));
                              counts.put(JobState.RUNNING, rs.getLong("running"));
                              counts.put(JobState.COMPLETED, rs.getLong("completed"));
                              counts.put(JobState.FAILED, rs.getLong("failed"));
                              counts.put(JobState.CANCELLED, rs.getLong("cancelled"));
                              return new QueueStats(
                                  rs.getString("queue"),
                                  counts,
                                  rs.getLong("runnable"),
                                  Optional.ofNullable(
                                          rs.getObject("oldest_runnable", OffsetDateTime.class))
                                      .map(OffsetDateTime::toInstant));
                            })
                        .list()));
  }

  @Override
  public int purge(PurgeRequest request) {
    return Failures.translate(
        "purge finished jobs",
        () ->
            Transactions.autocommit(
                jdbi,
                h ->
                    h.createUpdate(sql.purge)
                        .bindArray(
                            "states",
                            String.class,
                            request.states().stream().map(JobRows::dbState).toList())
                        .bind("before", JobRows.offset(request.finishedBefore()))
                        .bind("limit", request.limit())
                        .execute()));
  }

  private static <T, R> List<R> map(List<T> items, Function<T, R> f) {
    var out = new ArrayList<R>(items.size());
    for (T item : items) {
      out.add(f.apply(item));
    }
    return out;
  }
}
