package dev.docket.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testkit.AuditLogContract;
import dev.docket.usecase.port.AuditEntry;
import dev.docket.usecase.port.AuditLog;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory store passes the audit log contract, and keeps a bounded ring. */
class InMemoryAuditLogContractTest extends AuditLogContract {
  @Override
  protected AuditLog createLog() {
    return MemoryStore.start().auditLog();
  }

  @Test
  void aFullRing_dropsItsOldestEntry() {
    var ring = new InMemoryAuditLog(3);
    for (int i = 1; i <= 4; i++) {
      ring.record(AuditEntry.of(Instant.EPOCH, "admin token", "POST /api/x", "n" + i, 200));
    }

    assertThat(ring.list(10, Long.MAX_VALUE))
        .extracting(AuditEntry::target)
        .containsExactly("n4", "n3", "n2");
  }
}
