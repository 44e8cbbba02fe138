package dev.docket.store.postgres;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out its delegate's connections wrapped in proxies, and records every
 * {@link SQLException} a connection or one of its statements throws, with its SQL state, even when
 * the caller catches it. It also counts the connections open at once. Thread-safe.
 */
final class RecordingDataSource implements DataSource {
  /** One exception a connection or statement threw. */
  record Failure(String sqlState, String method, String message) {}

  private final DataSource delegate;
  private final List<Failure> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();

  RecordingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Every exception so far, in the order they were thrown. */
  List<Failure> failures() {
    return List.copyOf(failures);
  }

  /** The most connections that were open at the same time. */
  int mostOpen() {
    return mostOpen.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return opened(record("getConnection", delegate::getConnection));
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return opened(record("getConnection", () -> delegate.getConnection(user, password)));
  }

  private Connection opened(Connection connection) {
    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    var closed = new java.util.concurrent.atomic.AtomicBoolean();
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("close") && closed.compareAndSet(false, true)) {
            open.decrementAndGet();
          }
          Object result = invoke(connection, method, args);
          return switch (result) {
            case CallableStatement s -> wrap(s, CallableStatement.class);
            case PreparedStatement s -> wrap(s, PreparedStatement.class);
            case Statement s -> wrap(s, Statement.class);
            case null, default -> result;
          };
        };
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private <T extends Statement> T wrap(T statement, Class<T> type) {
    InvocationHandler handler = (proxy, method, args) -> invoke(statement, method, args);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        failures.add(new Failure(sql.getSQLState(), method.getName(), sql.getMessage()));
      }
      throw e.getCause();
    }
  }

  private interface SqlSupplier<T> {
    T get() throws SQLException;
  }

  private <T> T record(String method, SqlSupplier<T> call) throws SQLException {
    try {
      return call.get();
    } catch (SQLException e) {
      failures.add(new Failure(e.getSQLState(), method, e.getMessage()));
      throw e;
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return delegate.isWrapperFor(type);
  }
}
