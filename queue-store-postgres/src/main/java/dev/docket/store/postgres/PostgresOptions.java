package dev.docket.store.postgres;

import dev.docket.domain.Names;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * How to reach PostgreSQL and where Docket keeps its tables.
 *
 * <p>Give either a JDBC URL (Docket then runs its own connection pool) or a {@link DataSource} the
 * application already has (Docket borrows connections and never closes the pool). Defaults: schema
 * {@value #DEFAULT_SCHEMA}, migrations applied on start, a pool of {@value #DEFAULT_POOL_SIZE},
 * LISTEN wake-ups on. Immutable and thread-safe.
 */
public final class PostgresOptions {
  /** The schema of Docket's tables when none is given. */
  public static final String DEFAULT_SCHEMA = "docket";

  /** Connections in Docket's own pool when no size is given. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** The most connections Docket's own pool may hold. */
  public static final int MAX_POOL_SIZE = 500;

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,47}");

  private final String url;
  private final String user;
  private final String password;
  private final DataSource dataSource;
  private final String schema;
  private final boolean migrateOnStart;
  private final int poolSize;
  private final boolean listen;
  private final boolean warmUp;
  private final java.time.Duration connectionTimeout;

  /**
   * How long a call waits for a pooled connection before it fails, when none is given: 5 seconds.
   * While the database is down, an enqueue fails after this long with a {@code StorageException},
   * so the caller knows the job was not stored.
   */
  public static final java.time.Duration DEFAULT_CONNECTION_TIMEOUT =
      java.time.Duration.ofSeconds(5);

  private PostgresOptions(Builder b) {
    this.connectionTimeout = b.connectionTimeout;
    this.url = b.url;
    this.user = b.user;
    this.password = b.password;
    this.dataSource = b.dataSource;
    this.schema = b.schema;
    this.migrateOnStart = b.migrateOnStart;
    this.poolSize = b.poolSize;
    this.listen = b.listen;
    this.warmUp = b.warmUp;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for a JDBC URL with the defaults. */
  public static PostgresOptions ofUrl(String url) {
    return builder().url(url).build();
  }

  Optional<String> url() {
    return Optional.ofNullable(url);
  }

  Optional<String> user() {
    return Optional.ofNullable(user);
  }

  Optional<String> password() {
    return Optional.ofNullable(password);
  }

  Optional<DataSource> dataSource() {
    return Optional.ofNullable(dataSource);
  }

  /** The schema of Docket's tables. */
  public String schema() {
    return schema;
  }

  /** Whether migrations run when the store starts. */
  public boolean migrateOnStart() {
    return migrateOnStart;
  }

  /** The size of Docket's own pool; unused with an application's data source. */
  public int poolSize() {
    return poolSize;
  }

  /** Whether the store listens for wake-ups. */
  public boolean listen() {
    return listen;
  }

  /** Whether the store warms the worker path's statements in the background when it starts. */
  public boolean warmUp() {
    return warmUp;
  }

  /** How long a call waits for a pooled connection of Docket's own pool before it fails. */
  public java.time.Duration connectionTimeout() {
    return connectionTimeout;
  }

  static String requireSchema(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "Schema %s is invalid: use 1 to 48 lower-case letters, digits and '_', starting with a letter or '_'."
              .formatted(Names.quote(schema)));
    }
    return schema;
  }

  /** Builds {@link PostgresOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private java.time.Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

    private String url;
    private String user;
    private String password;
    private DataSource dataSource;
    private String schema = DEFAULT_SCHEMA;
    private boolean migrateOnStart = true;
    private int poolSize = DEFAULT_POOL_SIZE;
    private boolean listen = true;
    private boolean warmUp = true;

    private Builder() {}

    /** The JDBC URL, {@code jdbc:postgresql://host:port/database}. */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "Database URL %s is not a PostgreSQL JDBC URL: it must start with 'jdbc:postgresql:'."
                .formatted(Names.quote(url)));
      }
      this.url = url;
      return this;
    }

    /** The user, if not in the URL. */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /** The password, if not in the URL. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The application's own pool, instead of a URL. Docket never closes it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * The schema of Docket's tables, so that several applications or tenants can share a database:
     * lower-case letters, digits and {@code _}, at most 48.
     */
    public Builder schema(String schema) {
      this.schema = requireSchema(schema);
      return this;
    }

    /** Whether to apply migrations on start; off for teams that run their own migration tool. */
    public Builder migrateOnStart(boolean migrateOnStart) {
      this.migrateOnStart = migrateOnStart;
      return this;
    }

    /** The size of Docket's own pool, 1 to {@value #MAX_POOL_SIZE}. */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "Pool size %d is out of range: use 1 to %d.".formatted(poolSize, MAX_POOL_SIZE));
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * How long a call waits for a connection of Docket's own pool, 250 ms to 5 minutes; an
     * application's own data source keeps its own setting.
     */
    public Builder connectionTimeout(java.time.Duration timeout) {
      java.util.Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(java.time.Duration.ofMillis(250)) < 0
          || timeout.compareTo(java.time.Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "Connection timeout %s is out of range: use PT0.25S to PT5M.".formatted(timeout));
      }
      this.connectionTimeout = timeout;
      return this;
    }

    /** Whether to listen for wake-ups; without them workers rely on polling. */
    public Builder listen(boolean listen) {
      this.listen = listen;
      return this;
    }

    /**
     * Whether to warm the worker path's statements in the background when the store starts (the
     * default), so that a node's first claim is quick. A short-lived tool that claims nothing, such
     * as one {@code docket} command, turns it off: closing the store under a warm-up makes the pool
     * log the connections it took away.
     */
    public Builder warmUp(boolean warmUp) {
      this.warmUp = warmUp;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException unless exactly one of a URL and a data source was given
     */
    public PostgresOptions build() {
      if ((url == null) == (dataSource == null)) {
        throw new IllegalArgumentException(
            url == null
                ? "Give a database URL or a data source: neither was given."
                : "Give a database URL or a data source, not both.");
      }
      if (dataSource != null && (user != null || password != null)) {
        throw new IllegalArgumentException(
            "A user or password goes with a URL; a data source brings its own.");
      }
      if (url != null && migrateOnStart && poolSize < 2) {
        // Flyway holds its lock on one connection and migrates on another.
        throw new IllegalArgumentException(
            "A pool of 1 connection cannot run the migrations, which need 2: use a pool size of"
                + " 2 or more, or turn migrateOnStart off.");
      }
      return new PostgresOptions(this);
    }
  }
}
