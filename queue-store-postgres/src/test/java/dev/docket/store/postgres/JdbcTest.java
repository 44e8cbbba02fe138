package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcTest {
  private static final TestDatabase DB = TestDatabase.get();
  private String schema;
  private String table;

  @BeforeEach
  void createTable() {
    schema = DB.freshSchema("jdbc");
    table = "\"" + schema + "\".t";
    DB.execute("CREATE SCHEMA \"" + schema + "\"");
    DB.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)");
  }

  @AfterEach
  void dropSchema() {
    DB.dropSchema(schema);
  }

  @Test
  void of_turnsEachNamedParameterIntoAPosition_andLeavesCastsAlone() {
    var statement = Jdbc.Statement.of("SELECT :a::int + :b, :a, 'x:y', now()::text");

    assertThat(statement.sql()).isEqualTo("SELECT ?::int + ?, ?, 'x:y', now()::text");
    assertThat(statement.names()).containsExactly("a", "b", "a");
  }

  @Test
  void of_leavesNamesInLiteralsQuotedNamesAndCommentsAlone() {
    var statement =
        Jdbc.Statement.of(
            "SELECT 'it''s :no', \"odd:\"\"name\", :yes -- :no either\n /* :nor ' this */ , :too");

    assertThat(statement.sql())
        .isEqualTo("SELECT 'it''s :no', \"odd:\"\"name\", ? -- :no either\n /* :nor ' this */ , ?");
    assertThat(statement.names()).containsExactly("yes", "too");
  }

  @Test
  void of_refusesWhatItCannotRead_ratherThanMisplaceAParameter() {
    assertThatThrownBy(() -> Jdbc.Statement.of("SELECT $$:a$$"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Jdbc.Statement.of("SELECT ?, :a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Jdbc.Statement.of("SELECT ':a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no '");
    assertThatThrownBy(() -> Jdbc.Statement.of("SELECT 1 /* :a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("*/");
  }

  static Stream<String> workerStatements() {
    var sql = new Sql("docket");
    return Stream.of(
        sql.claim,
        sql.claimKinds,
        sql.promote,
        sql.madeUpRow,
        sql.lockInIdOrder,
        sql.find,
        sql.complete,
        sql.retry,
        sql.fail,
        sql.cancel,
        sql.release);
  }

  @ParameterizedTest
  @MethodSource("workerStatements")
  void of_readsEveryWorkerStatementAsJdbisParserDoes(String named) {
    ParsedSql jdbi = new ColonPrefixSqlParser().parse(named, null);

    var statement = Jdbc.Statement.of(named);

    assertThat(statement.sql()).isEqualTo(jdbi.getSql());
    assertThat(statement.names()).isEqualTo(jdbi.getParameters().getParameterNames());
    assertThat(statement.names()).isNotEmpty();
  }

  @Test
  void prepare_bindsEveryUseOfANameToItsValue() throws SQLException {
    try (Connection c = DB.connect();
        var ps =
            Jdbc.Statement.of("SELECT :a::int + :b::int, :a::int")
                .prepare(c, Map.of("a", 2, "b", 3));
        var rs = ps.executeQuery()) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(5);
      assertThat(rs.getInt(2)).isEqualTo(2);
    }
  }

  @Test
  void prepare_refusesAParameterWithoutAValue_ratherThanBindNull() throws SQLException {
    try (Connection c = DB.connect()) {
      assertThatThrownBy(
              () -> Jdbc.Statement.of("SELECT :a::int, :b::int").prepare(c, Map.of("a", 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(":b");
    }
  }

  @Test
  void transaction_keepsNoneOfTheWork_whenPartOfItFails() throws SQLException {
    var closed = new ArrayList<Connection>();
    org.jdbi.v3.core.ConnectionFactory connections =
        connectionsClosedInto(closed, new ArrayList<>());

    assertThatThrownBy(
            () ->
                Jdbc.transaction(
                    connections,
                    c -> {
                      insert(c, 1);
                      insert(c, 1); // a duplicate key: the statement fails
                      return null;
                    }))
        .isInstanceOf(SQLException.class);

    assertThat(ids()).isEmpty();
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).isClosed()).isTrue();
  }

  @Test
  void transaction_commitsAllOfIt_andLeavesTheConnectionInAutocommitAgain() throws SQLException {
    var autocommitAfter = new ArrayList<Boolean>();
    org.jdbi.v3.core.ConnectionFactory connections =
        connectionsClosedInto(new ArrayList<>(), autocommitAfter);

    Jdbc.transaction(
        connections,
        c -> {
          insert(c, 1);
          insert(c, 2);
          return null;
        });

    assertThat(ids()).containsExactly(1, 2);
    assertThat(autocommitAfter).containsExactly(true);
  }

  @Test
  void autocommit_commitsOnAConnectionNotInAutocommit_andRollsBackWhenTheWorkFails()
      throws SQLException {
    org.jdbi.v3.core.ConnectionFactory manual =
        () -> {
          Connection c = DB.connect();
          c.setAutoCommit(false);
          return c;
        };

    Jdbc.autocommit(manual, c -> insert(c, 1));
    assertThatThrownBy(
            () ->
                Jdbc.autocommit(
                    manual,
                    c -> {
                      insert(c, 2);
                      throw new IllegalStateException("the work failed");
                    }))
        .hasMessage("the work failed");

    assertThat(ids()).containsExactly(1);
  }

  /** New connections that, when given back, note themselves and their autocommit, then close. */
  private static org.jdbi.v3.core.ConnectionFactory connectionsClosedInto(
      List<Connection> closed, List<Boolean> autocommitAtClose) {
    return new org.jdbi.v3.core.ConnectionFactory() {
      @Override
      public Connection openConnection() throws SQLException {
        return DB.connect();
      }

      @Override
      public void closeConnection(Connection c) throws SQLException {
        autocommitAtClose.add(c.getAutoCommit());
        closed.add(c);
        c.close();
      }
    };
  }

  private int insert(Connection c, int id) throws SQLException {
    try (var ps =
        Jdbc.Statement.of("INSERT INTO " + table + " (id) VALUES (:id)")
            .prepare(c, Map.of("id", id))) {
      return ps.executeUpdate();
    }
  }

  private List<Integer> ids() throws SQLException {
    var ids = new ArrayList<Integer>();
    try (Connection c = DB.connect();
        var rs = c.createStatement().executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }
}
