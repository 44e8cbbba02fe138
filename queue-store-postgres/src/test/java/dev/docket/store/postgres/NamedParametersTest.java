package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NamedParametersTest {
  /**
   * Every statement {@link Sql} and {@link NodeSql} hold for JDBI: those with a {@code ?} are the
   * inserts' plain JDBC ones.
   */
  static Stream<String> storeStatements() throws IllegalAccessException {
    var statements = new ArrayList<String>();
    for (Object holder : List.of(new Sql("docket"), new NodeSql("docket"))) {
      for (Field field : holder.getClass().getDeclaredFields()) {
        if (field.getType() == String.class && !Modifier.isStatic(field.getModifiers())) {
          field.setAccessible(true);
          String sql = (String) field.get(holder);
          if (!sql.contains("?")) {
            statements.add(sql);
          }
        }
      }
    }
    assertThat(statements).hasSizeGreaterThan(20);
    return statements.stream();
  }

  @ParameterizedTest
  @MethodSource("storeStatements")
  void parse_readsEveryStatementOfTheStoreAsJdbisOwnParserDoes(String sql) {
    assertThat(new NamedParameters().parse(sql, null))
        .isEqualTo(new ColonPrefixSqlParser().parse(sql, null));
  }

  @Test
  void parse_keepsEachUseOfANameInOrder() {
    var parsed = new NamedParameters().parse("SELECT :a::int, ':b', :c, :a", null);

    assertThat(parsed.getSql()).isEqualTo("SELECT ?::int, ':b', ?, ?");
    assertThat(parsed.getParameters().getParameterNames()).containsExactly("a", "c", "a");
  }

  @Test
  void parse_readsAStatementOnce_andKeepsAtMostABoundedNumber() {
    var parser = new NamedParameters();
    var first = parser.parse("SELECT :a", null);

    assertThat(parser.parse("SELECT :a", null)).isSameAs(first);
    for (int i = 0; i < NamedParameters.CACHED + 10; i++) {
      parser.parse("SELECT :a + " + i, null);
    }
    var beyond = parser.parse("SELECT :b", null);
    assertThat(parser.parse("SELECT :b", null))
        .as("read again, not kept, once the bound is reached")
        .isNotSameAs(beyond)
        .isEqualTo(beyond);
  }

  @Test
  void parse_refusesAStatementWithAPositionalParameter() {
    assertThatThrownBy(() -> new NamedParameters().parse("SELECT ? + :a", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
