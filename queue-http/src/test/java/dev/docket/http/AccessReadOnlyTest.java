package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The read-only token and read-only sessions, as {@link Access} tells callers apart. */
class AccessReadOnlyTest {
  private static final String TOKEN = "a-token-of-sixteen-or-more";
  private static final String READER = "a-reader-of-sixteen-or-more";
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private final Sessions sessions = new Sessions();
  private final Access access = new Access(TOKEN, READER, false, sessions);

  @Test
  void theReadOnlyToken_identifiesAReader_andTheAdminTokenStillAnAdmin() {
    var reader = access.identify("Bearer " + READER, null, "10.0.0.9", "docket", NOW);
    var admin = access.identify("Bearer " + TOKEN, null, "10.0.0.9", "docket", NOW);

    assertThat(reader).isEqualTo(Access.Caller.READ_ONLY);
    assertThat(reader.readOnly()).isTrue();
    assertThat(reader.actor()).isEqualTo("read-only token");
    assertThat(admin).isEqualTo(Access.Caller.TOKEN);
    assertThat(admin.readOnly()).isFalse();
    assertThat(admin.actor()).isEqualTo("admin token");
    assertThat(access.identify("Bearer " + READER + "x", null, "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void withoutAReadOnlyToken_noTokenReads() {
    var adminOnly = new Access(TOKEN, false, sessions);

    assertThat(adminOnly.isReadOnlyToken(READER)).isFalse();
    assertThat(adminOnly.isReadOnlyToken(null)).isFalse();
    assertThat(adminOnly.identify("Bearer " + READER, null, "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void aReadOnlySession_isReadOnly_andNamedByItsIdOnly() {
    var opened = sessions.open(false, true, NOW);

    var caller = access.identify(null, opened.cookie(), "10.0.0.9", "docket", NOW);

    assertThat(caller.kind()).isEqualTo(Access.Kind.SESSION);
    assertThat(caller.readOnly()).isTrue();
    assertThat(caller.actor()).matches("read-only session [0-9a-f]{8}");
    assertThat(caller.actor())
        .doesNotContain(opened.cookie())
        .doesNotContain(opened.session().csrf());
    assertThat(opened.session().toString()).doesNotContain(opened.session().csrf());
  }

  @Test
  void sessions_getIdsOfTheirOwn() {
    var one = sessions.open(false, NOW).session();
    var two = sessions.open(false, NOW).session();

    assertThat(one.id()).hasSize(Sessions.SESSION_ID_LENGTH).isNotEqualTo(two.id());
    assertThat(one.readOnly()).isFalse();
  }
}
