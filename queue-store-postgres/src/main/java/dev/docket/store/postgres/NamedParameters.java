package dev.docket.store.postgres;

import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * JDBI's parser for the store's statements: the same {@code :name} syntax as JDBI's default, read
 * by {@link Jdbc.Statement#of}'s scan instead of JDBI's ANTLR lexer.
 *
 * <p>The lexer cost a fresh JVM a few milliseconds for each statement it had not seen, and its
 * classes and their compilation on top: a node's first maintenance round, a second after it
 * started, parsed its statements while the first jobs ran, and the JIT compiled the lexer on the
 * cores the database needed. The store's SQL needs nothing the scan does not read; a statement with
 * dollar quoting or a {@code ?} is refused when it is first run, which every statement is in the
 * tests.
 */
final class NamedParameters implements SqlParser {
  /**
   * The most statements kept read. The store's SQL is a fixed set of a few dozen texts per schema;
   * the bound only keeps a caller that builds its SQL from values from growing the map for ever.
   */
  static final int CACHED = 1_000;

  private final ConcurrentHashMap<String, ParsedSql> read = new ConcurrentHashMap<>();

  @Override
  public ParsedSql parse(String sql, StatementContext ctx) {
    ParsedSql parsed = read.get(sql);
    if (parsed == null) {
      parsed = scan(sql);
      if (read.size() < CACHED) {
        read.putIfAbsent(sql, parsed);
      }
    }
    return parsed;
  }

  private static ParsedSql scan(String sql) {
    Jdbc.Statement statement = Jdbc.Statement.of(sql);
    var parsed = ParsedSql.builder();
    String positional = statement.sql();
    int from = 0;
    int name = 0;
    // The scan refuses a '?' of the statement's own, so each '?' here is a parameter.
    for (int at = positional.indexOf('?'); at >= 0; at = positional.indexOf('?', from)) {
      parsed.append(positional.substring(from, at));
      parsed.appendNamedParameter(statement.names().get(name++));
      from = at + 1;
    }
    parsed.append(positional.substring(from));
    return parsed.build();
  }

  @Override
  public String nameParameter(String rawName, StatementContext ctx) {
    return ":" + rawName;
  }
}
