package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunningQueryTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, RunningQuery.MAX_LIMIT + 1})
  void aLimitOutside1To1000_isRefused(int limit) {
    assertThatThrownBy(() -> new RunningQuery(Set.of("node-a"), limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Limit " + limit + " per owner is out of range");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "node\u0000a", "node\na"})
  void anOwnerNoLeaseCouldCarry_isRefused(String owner) {
    assertThatThrownBy(() -> new RunningQuery(Set.of(owner), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is invalid");
  }

  @Test
  void moreThan1000Owners_areRefused_and1000AreAccepted() {
    var owners = new HashSet<String>();
    IntStream.range(0, RunningQuery.MAX_OWNERS).forEach(i -> owners.add("node-" + i));

    assertThat(new RunningQuery(owners, 1).owners()).hasSize(RunningQuery.MAX_OWNERS);
    owners.add("one-more");
    assertThatThrownBy(() -> new RunningQuery(owners, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names 1001 owners");
  }
}
