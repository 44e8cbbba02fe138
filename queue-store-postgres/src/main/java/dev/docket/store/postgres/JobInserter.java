package dev.docket.store.postgres;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.usecase.port.ClaimRequest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Inserts jobs on a given connection, in whatever transaction it is in: Docket's own, or the
 * application's for transactional enqueue. Plain JDBC, so that it runs the same on a JDBI handle's
 * connection and on one the application hands over.
 *
 * <p>One statement inserts the whole batch from arrays (no parameter limit, one round trip),
 * skipping jobs whose unique key is taken; a second reads the jobs holding those keys; a third
 * sends one NOTIFY per queue with due jobs, delivered when the transaction commits.
 */
final class JobInserter {
  private final Sql sql;

  JobInserter(Sql sql) {
    this.sql = sql;
  }

  List<Job> insert(Connection connection, List<Job> jobs) throws SQLException {
    for (Job job : jobs) {
      if (job.state() != JobState.PENDING || job.attempt() != 0 || job.version() != 1) {
        throw new IllegalArgumentException(
            "Job %s is %s at attempt %d: only new jobs can be inserted."
                .formatted(job.id(), job.state(), job.attempt()));
      }
    }
    if (jobs.isEmpty()) {
      return List.of();
    }
    if (jobs.stream().noneMatch(job -> job.uniqueKey().isPresent())) {
      // Every job is new and takes no key: no conflicts to look up, so fewer round trips.
      if (jobs.size() >= COPY_THRESHOLD && connection.isWrapperFor(PGConnection.class)) {
        copyRows(connection, jobs);
        notify(connection, dueQueues(jobs));
      } else {
        insertAndNotify(connection, jobs);
      }
      return List.copyOf(jobs);
    }
    Set<UUID> inserted = insertRows(connection, jobs);
    Map<String, Job> holders = holdersOfTakenKeys(connection, jobs, inserted);
    var result = new ArrayList<Job>(jobs.size());
    var dueQueues = new LinkedHashSet<String>();
    for (Job job : jobs) {
      if (inserted.contains(job.id().value())) {
        result.add(job);
        if (JobRows.dbState(job).equals("pending")) {
          dueQueues.add(job.queue());
        }
      } else {
        Job holder = job.uniqueKey().map(holders::get).orElse(null);
        if (holder == null) {
          throw new IllegalStateException(
              "Job %s was neither inserted nor found by its unique key.".formatted(job.id()));
        }
        result.add(holder);
      }
    }
    notify(connection, dueQueues);
    return result;
  }

  /**
   * Whether {@link #insert} runs more than one statement for {@code jobs}, so that a caller in
   * autocommit must wrap it in a transaction to keep it all or none.
   */
  static boolean needsTransaction(List<Job> jobs) {
    return jobs.size() >= COPY_THRESHOLD || jobs.stream().anyMatch(j -> j.uniqueKey().isPresent());
  }

  /** Batches this large go in with COPY, which PostgreSQL parses faster than arrays. */
  static final int COPY_THRESHOLD = 200;

  private static Set<String> dueQueues(List<Job> jobs) {
    var queues = new LinkedHashSet<String>();
    for (Job job : jobs) {
      if (JobRows.dbState(job).equals("pending")) {
        queues.add(job.queue());
      }
    }
    return queues;
  }

  private void insertAndNotify(Connection c, List<Job> jobs) throws SQLException {
    var arrays = new ArrayList<Array>();
    try (PreparedStatement ps = c.prepareStatement(sql.insertAndNotify)) {
      int p = bindRows(c, ps, arrays, jobs);
      ps.setString(p, sql.channel);
      ps.executeQuery().close();
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  /**
   * Runs {@link Sql#insertClaimed} for {@code job}, with {@code claimed} the same job as the claim
   * makes it, and returns the state it was stored in: {@code running} or {@code pending}.
   */
  String insertClaimed(Connection c, Job job, Job claimed, ClaimRequest claim) throws SQLException {
    var lease = claimed.lease().orElseThrow();
    Array kinds = c.createArrayOf("text", claim.kinds().toArray());
    try (PreparedStatement ps = c.prepareStatement(sql.insertClaimed)) {
      int p = 1;
      ps.setObject(p++, job.id().value());
      ps.setString(p++, job.queue());
      ps.setString(p++, job.kind());
      ps.setString(p++, job.payload());
      ps.setShort(p++, (short) job.priority().value());
      ps.setInt(p++, job.maxAttempts());
      ps.setString(p++, JobRows.retryKind(job.retryPolicy()));
      ps.setLong(p++, JobRows.retryBaseNanos(job.retryPolicy()));
      ps.setLong(p++, JobRows.retryCapNanos(job.retryPolicy()));
      ps.setObject(p++, JobRows.offset(job.runAt()));
      ps.setObject(p++, JobRows.offset(job.createdAt()));
      ps.setString(p++, JobRows.joinTags(job.tags()));
      ps.setArray(p++, kinds);
      ps.setObject(p++, JobRows.offset(claimed.updatedAt()));
      ps.setInt(p++, claimed.attempt());
      ps.setLong(p++, claimed.version());
      ps.setString(p++, lease.owner());
      ps.setLong(p++, lease.fence());
      ps.setObject(p++, JobRows.offset(lease.expiresAt()));
      ps.setString(p, sql.channel);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } finally {
      kinds.free();
    }
  }

  /** The columns {@link Sql#copy} lists, one field each per row. */
  private static final int COPY_FIELDS = 16;

  /**
   * COPY in binary format, written as it goes in chunks. The connection stays locked by the COPY
   * until it ends, so a failure part-way cancels it, which aborts the transaction as a refused row
   * would.
   */
  private void copyRows(Connection c, List<Job> jobs) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql.copy);
    try {
      var out = new BinaryCopy(copy);
      for (Job job : jobs) {
        out.row(COPY_FIELDS);
        out.uuid(job.id().value());
        out.name(job.queue());
        out.name(job.kind());
        out.text(job.payload());
        out.int2((short) job.priority().value());
        out.name(JobRows.dbState(job));
        out.int4(0);
        out.int4(job.maxAttempts());
        out.name(JobRows.retryKind(job.retryPolicy()));
        out.int8(JobRows.retryBaseNanos(job.retryPolicy()));
        out.int8(JobRows.retryCapNanos(job.retryPolicy()));
        out.timestamptz(job.runAt());
        out.timestamptz(job.createdAt());
        out.timestamptz(job.createdAt());
        out.int8(1);
        out.textArray(job.tags());
      }
      out.finish();
      copy.endCopy();
    } catch (SQLException | RuntimeException e) {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException cancel) {
          e.addSuppressed(cancel);
        }
      }
      throw e;
    }
  }

  private Set<UUID> insertRows(Connection c, List<Job> jobs) throws SQLException {
    var arrays = new ArrayList<Array>();
    try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
      bindRows(c, ps, arrays, jobs);
      var inserted = new HashSet<UUID>(jobs.size() * 2);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getObject(1, UUID.class));
        }
      }
      return inserted;
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  /** Binds the rows' fourteen column arrays; returns the next parameter's index. */
  private static int bindRows(
      Connection c, PreparedStatement ps, List<Array> arrays, List<Job> jobs) throws SQLException {
    int n = jobs.size();
    var ids = new UUID[n];
    var queues = new String[n];
    var kinds = new String[n];
    var payloads = new String[n];
    var priorities = new Short[n];
    var states = new String[n];
    var maxAttempts = new Integer[n];
    var retryKinds = new String[n];
    var bases = new Long[n];
    var caps = new Long[n];
    var runAts = new String[n];
    var createdAts = new String[n];
    var uniqueKeys = new String[n];
    var tags = new String[n];
    for (int i = 0; i < n; i++) {
      Job job = jobs.get(i);
      ids[i] = job.id().value();
      queues[i] = job.queue();
      kinds[i] = job.kind();
      payloads[i] = job.payload();
      priorities[i] = (short) job.priority().value();
      states[i] = JobRows.dbState(job);
      maxAttempts[i] = job.maxAttempts();
      retryKinds[i] = JobRows.retryKind(job.retryPolicy());
      bases[i] = JobRows.retryBaseNanos(job.retryPolicy());
      caps[i] = JobRows.retryCapNanos(job.retryPolicy());
      runAts[i] = JobRows.timestamp(job.runAt());
      createdAts[i] = JobRows.timestamp(job.createdAt());
      uniqueKeys[i] = job.uniqueKey().orElse(null);
      tags[i] = JobRows.joinTags(job.tags());
    }
    int p = 1;
    ps.setArray(p++, array(c, arrays, "uuid", ids));
    ps.setArray(p++, array(c, arrays, "text", queues));
    ps.setArray(p++, array(c, arrays, "text", kinds));
    ps.setArray(p++, array(c, arrays, "text", payloads));
    ps.setArray(p++, array(c, arrays, "int2", priorities));
    ps.setArray(p++, array(c, arrays, "text", states));
    ps.setArray(p++, array(c, arrays, "int4", maxAttempts));
    ps.setArray(p++, array(c, arrays, "text", retryKinds));
    ps.setArray(p++, array(c, arrays, "int8", bases));
    ps.setArray(p++, array(c, arrays, "int8", caps));
    ps.setArray(p++, array(c, arrays, "text", runAts));
    ps.setArray(p++, array(c, arrays, "text", createdAts));
    ps.setArray(p++, array(c, arrays, "text", uniqueKeys));
    ps.setArray(p++, array(c, arrays, "text", tags));
    return p;
  }

  private Map<String, Job> holdersOfTakenKeys(Connection c, List<Job> jobs, Set<UUID> inserted)
      throws SQLException {
    var keys = new LinkedHashSet<String>();
    for (Job job : jobs) {
      if (!inserted.contains(job.id().value())) {
        job.uniqueKey().ifPresent(keys::add);
      }
    }
    var holders = new HashMap<String, Job>();
    if (keys.isEmpty()) {
      return holders;
    }
    var arrays = new ArrayList<Array>();
    try (PreparedStatement ps = c.prepareStatement(sql.findByUniqueKeys)) {
      ps.setArray(1, array(c, arrays, "text", keys.toArray(String[]::new)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Job holder = JobRows.read(rs);
          holders.put(holder.uniqueKey().orElseThrow(), holder);
        }
      }
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
    return holders;
  }

  void notify(Connection c, Set<String> queues) throws SQLException {
    if (queues.isEmpty()) {
      return;
    }
    var arrays = new ArrayList<Array>();
    try (PreparedStatement ps = c.prepareStatement(sql.notify)) {
      ps.setString(1, sql.channel);
      ps.setArray(2, array(c, arrays, "text", queues.toArray(String[]::new)));
      ps.executeQuery().close();
    } finally {
      for (Array array : arrays) {
        array.free();
      }
    }
  }

  private static Array array(Connection c, List<Array> arrays, String type, Object[] values)
      throws SQLException {
    Array array = c.createArrayOf(type, values);
    arrays.add(array);
    return array;
  }
}
