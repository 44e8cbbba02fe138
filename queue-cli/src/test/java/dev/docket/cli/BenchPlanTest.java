package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BenchPlanTest {
  @Test
  void aPlan_readBackFromTheTextItIsSentAs_isTheSamePlan() throws Exception {
    var plan =
        new BenchProcess.Plan(
            BenchCommand.Workload.backlog,
            BenchCommand.Store.postgres,
            "jdbc:postgresql://127.0.0.1:5432/test?x=a=b",
            "postgres",
            "pass word with = and \\ and ü",
            "docket_bench_1",
            20_000,
            16,
            300,
            20_000_000L,
            500_000,
            true,
            7);

    assertThat(readBack(plan)).isEqualTo(plan);
  }

  @Test
  void aPlanWithoutCredentialsOrConcurrency_keepsThemUnset() throws Exception {
    var plan =
        new BenchProcess.Plan(
            BenchCommand.Workload.drain,
            BenchCommand.Store.memory,
            null,
            null,
            null,
            null,
            1_000,
            null,
            0,
            0L,
            0,
            false,
            0);

    var back = readBack(plan);

    assertThat(back).isEqualTo(plan);
    assertThat(back.concurrency()).isNull();
    assertThat(back.password()).isNull();
  }

  private static BenchProcess.Plan readBack(BenchProcess.Plan plan) throws Exception {
    var text = new StringWriter();
    plan.toProperties().store(text, null);
    var read = new Properties();
    read.load(new StringReader(text.toString()));
    return BenchProcess.Plan.fromProperties(read);
  }
}
