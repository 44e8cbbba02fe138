package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.port.AuditEntry;
import dev.docket.usecase.port.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link AuditLog}, as a suite that a store's tests inherit: one subclass that
 * supplies {@link #createLog()}.
 *
 * <pre>{@code
 * class MyAuditLogContractTest extends AuditLogContract {
 *   @Override
 *   protected AuditLog createLog() {
 *     return MyStore.createEmpty().auditLog();
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class AuditLogContract {
  private final MutableClock clock = MutableClock.standard();
  private AuditLog log;

  /** A new, empty audit log; called before every test. */
  protected abstract AuditLog createLog() throws Exception;

  @BeforeEach
  final void startEmpty() throws Exception {
    log = createLog();
    assertThat(log.list(AuditLog.MAX_LIMIT, Long.MAX_VALUE)).as("a new log").isEmpty();
  }

  private AuditEntry entry(String target) {
    return AuditEntry.of(clock.instant(), "admin token", "POST /api/jobs/{id}/retry", target, 200);
  }

  @Test
  void record_keepsEveryField_andGivesAnId() {
    var entry =
        AuditEntry.of(
            clock.instant().plusNanos(1_234_567),
            "session 1a2b3c4d",
            "POST /api/jobs/retry",
            "filter {state=failed}: 3 changed",
            200);

    AuditEntry stored = log.record(entry);

    assertThat(stored.id()).isPositive();
    assertThat(log.list(10, Long.MAX_VALUE)).containsExactly(stored);
    assertThat(stored).usingRecursiveComparison().ignoringFields("id").isEqualTo(entry);
    assertThat(stored.at()).isEqualTo(clock.instant().plusNanos(1_234_000));
  }

  @Test
  void list_isNewestFirst_andPagesWithBefore() {
    for (int i = 1; i <= 5; i++) {
      log.record(entry("job " + i));
      clock.advance(Duration.ofSeconds(1));
    }

    List<AuditEntry> first = log.list(2, Long.MAX_VALUE);
    List<AuditEntry> second = log.list(2, first.get(1).id());
    List<AuditEntry> third = log.list(2, second.get(1).id());

    assertThat(first).extracting(AuditEntry::target).containsExactly("job 5", "job 4");
    assertThat(second).extracting(AuditEntry::target).containsExactly("job 3", "job 2");
    assertThat(third).extracting(AuditEntry::target).containsExactly("job 1");
    assertThat(log.list(2, third.get(0).id())).isEmpty();
  }

  @Test
  void ids_growWithEachEntry_evenAtTheSameInstant() {
    AuditEntry a = log.record(entry("a"));
    AuditEntry b = log.record(entry("b"));

    assertThat(b.id()).isGreaterThan(a.id());
    assertThat(log.list(10, Long.MAX_VALUE))
        .extracting(AuditEntry::target)
        .containsExactly("b", "a");
  }

  @Test
  void purge_forgetsEntriesBeforeTheCutoff_only() {
    log.record(entry("old"));
    clock.advance(Duration.ofDays(91));
    Instant cutoff = clock.instant();
    log.record(entry("at the cutoff"));
    clock.advance(Duration.ofSeconds(1));
    log.record(entry("new"));

    int purged = log.purge(cutoff);

    assertThat(purged).isEqualTo(1);
    assertThat(log.list(10, Long.MAX_VALUE))
        .extracting(AuditEntry::target)
        .containsExactly("new", "at the cutoff");
    assertThat(log.purge(cutoff)).as("purging again").isZero();
  }

  @Test
  void aLimitOutOfRange_isRefused() {
    assertThatThrownBy(() -> log.list(0, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    assertThatThrownBy(() -> log.list(AuditLog.MAX_LIMIT + 1, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLongTarget_isCutToItsLongestLength() {
    AuditEntry stored = log.record(entry("x".repeat(AuditEntry.MAX_TARGET_LENGTH * 2)));

    assertThat(log.list(1, Long.MAX_VALUE).get(0).target())
        .hasSize(AuditEntry.MAX_TARGET_LENGTH)
        .isEqualTo(stored.target());
  }
}
