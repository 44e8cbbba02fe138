package dev.docket.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.domain.Job;
import dev.docket.usecase.port.AuditLog;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.StorageException;
import dev.docket.usecase.port.WakeUps;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Docket on PostgreSQL: the store's {@link JobStorage}, its {@link WakeUps}, enqueueing inside the
 * application's own transaction, and migrations.
 *
 * <pre>{@code
 * try (PostgresStore store = PostgresStore.start(PostgresOptions.ofUrl(url))) {
 *   JobClient client = new JobClient(store.storage(), codec, clock, random);
 *   ...
 * }
 * }</pre>
 *
 * <p>Methods that take the application's {@code Handle} or {@code Connection} are the one place
 * where JDBI and JDBC types appear in Docket's API: the application's transaction is the point.
 * Thread-safe.
 */
public final class PostgresStore implements DocketStore, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PostgresStore.class.getName());
  private final PostgresOptions options;
  private final DataSource dataSource;
  private final HikariDataSource ownPool;
  private final PostgresJobStorage storage;
  private final PostgresControl control;
  private final PostgresNodeRegistry nodes;
  private final PostgresAuditLog audit;
  private final PostgresJobHistory history;
  private final PostgresJobChanges changes;
  private final NotificationListener listener;

  private PostgresStore(PostgresOptions options) {
    this.options = options;
    this.ownPool = options.dataSource().isPresent() ? null : pool(options);
    this.dataSource = options.dataSource().orElse(ownPool);
    Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    // JDBI's default parser and template engine are both ANTLR lexers: see NamedParameters. The
    // store's SQL has no templates, so it goes to the database as written.
    jdbi.getConfig(SqlStatements.class)
        .setSqlParser(new NamedParameters())
        .setTemplateEngine(TemplateEngine.NOP);
    var sql = new Sql(options.schema());
    this.storage = new PostgresJobStorage(jdbi, dataSource::getConnection, sql);
    this.control = new PostgresControl(jdbi, sql);
    this.nodes = new PostgresNodeRegistry(jdbi, new NodeSql(options.schema()));
    this.audit = new PostgresAuditLog(jdbi, options.schema());
    this.history = new PostgresJobHistory(jdbi, options.schema());
    this.changes =
        options.listen()
            ? new PostgresJobChanges(sql.changesChannel, jdbi, sql)
            : new PostgresJobChanges(sql.changesChannel);
    this.listener =
        new NotificationListener(
            this::openListenerConnection, options.url().isPresent(), sql.channel, changes);
  }

  /**
   * Connects, applies migrations if the options say so, and starts listening for wake-ups.
   *
   * @throws StorageException if PostgreSQL can't be reached or a migration fails
   */
  public static PostgresStore start(PostgresOptions options) {
    Objects.requireNonNull(options, "options");
    // A cold JVM takes about 0.2 s to load JDBI's classes, and as long again to open the pool's
    // first connection, which loads the driver's. Side by side on two threads, a start waits for
    // the longer of the two instead of both: the constructor's own JDBI then finds them loaded.
    Thread.ofPlatform().daemon().name("docket-class-loading").start(PostgresStore::loadJdbi);
    // Jackson's too, about 0.3 s cold, which the application's runtime would otherwise load on
    // its own thread when it builds its payload codec, right after this start.
    Thread.ofPlatform().daemon().name("docket-json-loading").start(JobRows::loadJson);
    var store = new PostgresStore(options);
    try {
      if (options.migrateOnStart()) {
        store.migrate();
      }
      if (options.listen()) {
        store.listener.start();
      }
      // In the background, while the application submits and builds its runtime: a cold JVM
      // spent a few hundred milliseconds on the first claim, all of it before the first job ran.
      if (options.warmUp()) {
        Thread.ofPlatform().daemon().name("docket-warm-up").start(store::warmUp);
      }
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Loads JDBI's classes, with a JDBI that is never used. */
  private static void loadJdbi() {
    try {
      Jdbi.create(
              () -> {
                throw new SQLException("Only for loading classes.");
              })
          .installPlugin(new PostgresPlugin());
    } catch (RuntimeException | LinkageError e) {
      // Only a head start: the constructor's own JDBI meets any real problem and reports it.
      LOG.log(System.Logger.Level.DEBUG, "Loading JDBI ahead failed: {0}", e.toString());
    }
  }

  private void warmUp() {
    try {
      storage.warmUp();
    } catch (RuntimeException e) {
      // Only a head start: a store closed meanwhile, or a database that went away, is met by the
      // first real claim, which reports it.
      LOG.log(System.Logger.Level.DEBUG, "Warming up the worker path failed: {0}", e.toString());
    }
  }

  /** The store's jobs. */
  @Override
  public JobStorage storage() {
    return storage;
  }

  /** Wake-ups from LISTEN/NOTIFY; silent when the options turned listening off. */
  @Override
  public WakeUps wakeUps() {
    return listener;
  }

  /**
   * Every change of a job on this schema, by any node, from LISTEN/NOTIFY on the listener's one
   * connection; silent when the options turned listening off.
   */
  @Override
  public JobChanges changes() {
    return changes;
  }

  /** Pausing and resuming queues, for every node: a paused queue's jobs are not claimed. */
  @Override
  public QueueControl queueControl() {
    return control;
  }

  /** The shared state of recurring schedules. */
  @Override
  public ScheduleStates scheduleStates() {
    return control;
  }

  /** Leases that let one node at a time run the maintenance. */
  @Override
  public LeaderLease leaderLease() {
    return control;
  }

  /** Which nodes run on this schema, and what each serves and runs. */
  @Override
  public NodeRegistry nodeRegistry() {
    return nodes;
  }

  /** The history of attempts, in the {@code job_history} table. */
  @Override
  public dev.docket.usecase.port.JobHistory jobHistory() {
    return history;
  }

  /** The audit log, in the {@code audit_log} table. */
  @Override
  public AuditLog auditLog() {
    return audit;
  }

  @Override
  public void checkHealth() {
    control.ping();
  }

  /** The schema of the store's tables. */
  public String schema() {
    return options.schema();
  }

  /**
   * Applies the migrations that have not run yet.
   *
   * @throws StorageException if one fails
   */
  public void migrate() {
    try {
      Migrations.apply(dataSource, options.schema());
    } catch (RuntimeException | SQLException e) {
      throw new StorageException(
          "Docket's migrations failed on schema %s: %s".formatted(options.schema(), e.getMessage()),
          e);
    }
  }

  /** The SQL of every migration for {@code schema}, for teams that apply it with their own tool. */
  public static String migrationSql(String schema) {
    return Migrations.sql(schema);
  }

  /**
   * Enqueues jobs in the transaction of the application's JDBI handle: they exist, and workers are
   * woken, only if that transaction commits.
   *
   * @param jobs jobs made with {@code JobClient.prepare}
   * @return for each job, the stored one or the one holding its unique key
   */
  public List<Job> enqueue(Handle handle, List<Job> jobs) {
    Objects.requireNonNull(handle, "handle");
    return enqueue(handle.getConnection(), jobs);
  }

  /**
   * Enqueues jobs in the transaction of the application's JDBC connection: they exist, and workers
   * are woken, only if that transaction commits. The connection is left open.
   *
   * @param jobs jobs made with {@code JobClient.prepare}
   * @return for each job, the stored one or the one holding its unique key
   */
  public List<Job> enqueue(Connection connection, List<Job> jobs) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(jobs, "jobs");
    return Failures.translate(
        "enqueue " + jobs.size() + " jobs", () -> storage.inserter().insert(connection, jobs));
  }

  java.util.List<String> listenStatements() {
    return listener.listenStatements();
  }

  boolean isListening() {
    return listener.isListening();
  }

  /** Stops listening and closes Docket's own pool; an application's data source stays open. */
  @Override
  public void close() {
    changes.close();
    listener.close();
    if (ownPool != null) {
      ownPool.close();
    }
  }

  private Connection openListenerConnection() throws java.sql.SQLException {
    if (options.url().isEmpty()) {
      return dataSource.getConnection();
    }
    var properties = new Properties();
    options.user().ifPresent(u -> properties.setProperty("user", u));
    options.password().ifPresent(p -> properties.setProperty("password", p));
    properties.setProperty("ApplicationName", NotificationListener.APPLICATION_NAME);
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(options.url().orElseThrow(), properties);
  }

  private static HikariDataSource pool(PostgresOptions options) {
    // Set on the data source itself rather than through a HikariConfig: HikariDataSource's copying
    // constructor copies every field by reflection, 40 to 50 ms of a cold start on JDK 22 and
    // later,
    // whose reflection spins a method handle per field on first use.
    var pool = new HikariDataSource();
    pool.setJdbcUrl(options.url().orElseThrow());
    options.user().ifPresent(pool::setUsername);
    options.password().ifPresent(pool::setPassword);
    pool.setMaximumPoolSize(options.poolSize());
    pool.setConnectionTimeout(options.connectionTimeout().toMillis());
    pool.setPoolName("docket-" + options.schema());
    pool.addDataSourceProperty("ApplicationName", "docket");
    // One attempt at start: a wrong URL or a database that is down fails the start at once,
    // with the driver's reason, instead of on the first job. The first connection makes the pool.
    pool.setInitializationFailTimeout(1);
    try (Connection first = pool.getConnection()) {
      return pool;
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new StorageException(
          "Docket could not connect to %s: %s"
              .formatted(options.url().orElseThrow(), e.getMessage()),
          e);
    }
  }
}
