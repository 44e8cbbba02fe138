package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTest {
  private static final String TOKEN = "a-token-of-sixteen-or-more";
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private final Sessions sessions = new Sessions();
  private final Access access = new Access(TOKEN, false, sessions);

  @Test
  void theBearerToken_identifiesAnApiClient_andAnyOtherTokenNobody() {
    assertThat(access.identify("Bearer " + TOKEN, null, "10.0.0.9", "docket:7070", NOW))
        .isEqualTo(Access.Caller.TOKEN);
    assertThat(access.identify("bearer " + TOKEN, null, "10.0.0.9", "docket:7070", NOW))
        .isEqualTo(Access.Caller.TOKEN);
    assertThat(access.identify("Bearer " + TOKEN + "x", null, "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(access.identify("Basic " + TOKEN, null, "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(access.identify("Bearer", null, "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void aWrongToken_doesNotFallBackToAValidSession() {
    String cookie = sessions.open(false, NOW).cookie();

    assertThat(access.identify("Bearer nope", cookie, "127.0.0.1", "localhost", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void aSession_lastsTwelveHours_andEndsWhenRevoked() {
    var opened = sessions.open(false, NOW);

    assertThat(access.identify(null, opened.cookie(), "10.0.0.9", "docket", NOW.plusSeconds(60)))
        .isEqualTo(new Access.Caller(Access.Kind.SESSION, opened.session()));
    assertThat(sessions.find(opened.cookie(), NOW.plus(Duration.ofHours(11)))).isPresent();
    assertThat(sessions.find(opened.cookie(), NOW.plus(Access.SESSION_LENGTH))).isEmpty();

    var other = sessions.open(false, NOW);
    sessions.revoke(other.cookie());

    assertThat(access.identify(null, other.cookie(), "10.0.0.9", "docket", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void eachSession_hasItsOwnRandomCookieAndCsrfValue_evenInTheSameInstant() {
    var values = new java.util.HashSet<String>();
    for (int i = 0; i < 100; i++) {
      var opened = sessions.open(false, NOW);
      // 32 random bytes, URL-safe base64 without padding: 256 bits.
      assertThat(opened.cookie()).matches("[A-Za-z0-9_-]{43}");
      assertThat(values.add(opened.cookie())).isTrue();
      assertThat(values.add(opened.session().csrf())).isTrue();
    }
    assertThat(opened().toString()).doesNotContain(opened().session().csrf());
  }

  private Sessions.Opened opened() {
    return sessions.open(false, NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "abc", "abc.def", "AAAAAAAAAAA.AAAA", "!!!.???"})
  void aForgedSession_isRefused(String forged) {
    sessions.open(false, NOW);

    assertThat(sessions.find(forged, NOW)).isEmpty();
    assertThat(access.identify(null, forged, "127.0.0.1", "localhost", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void theSessionTable_keepsAtMostItsLimit_droppingTheOldest() {
    var first = sessions.open(false, NOW);
    for (int i = 0; i < Sessions.MAX_SESSIONS; i++) {
      sessions.open(false, NOW);
    }

    assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    assertThat(sessions.find(first.cookie(), NOW)).isEmpty();
  }

  @Test
  void csrfValues_areBoundToTheSession() {
    var one = sessions.open(false, NOW).session();
    var two = sessions.open(false, NOW).session();

    assertThat(Access.isCsrfToken(one, one.csrf())).isTrue();
    assertThat(Access.isCsrfToken(two, one.csrf())).isFalse();
    assertThat(Access.isCsrfToken(null, one.csrf())).isFalse();
    assertThat(Access.isCsrfToken(one, null)).isFalse();
  }

  @Test
  void openOnLocalhost_letsInBrowsersOnThisMachine_butNotARebindingHostName() {
    var open = new Access(TOKEN, true, sessions);

    assertThat(open.mayOpenLocally("127.0.0.1", "localhost:7070")).isTrue();
    assertThat(open.mayOpenLocally("0:0:0:0:0:0:0:1", "[::1]:7070")).isTrue();
    assertThat(open.mayOpenLocally("127.0.0.1", "evil.example:7070")).isFalse();
    assertThat(open.mayOpenLocally("192.168.1.20", "localhost:7070")).isFalse();
    assertThat(access.mayOpenLocally("127.0.0.1", "localhost:7070")).isFalse();
  }

  @Test
  void aLocalSession_countsOnlyFromThisMachine_andNeverWithoutItsCookie() {
    var open = new Access(TOKEN, true, sessions);
    var local = sessions.open(true, NOW);

    assertThat(open.identify(null, local.cookie(), "127.0.0.1", "localhost:7070", NOW))
        .isEqualTo(new Access.Caller(Access.Kind.LOCAL, local.session()));
    assertThat(open.identify(null, local.cookie(), "127.0.0.1", "evil.example:7070", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(open.identify(null, local.cookie(), "10.0.0.9", "localhost:7070", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(open.identify(null, null, "127.0.0.1", "localhost:7070", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true",
    "127.8.9.10, true",
    "::1, true",
    "[::1], true",
    "10.0.0.1, false",
    "localhost, false",
    "evil.example, false",
    "'', false"
  })
  void loopback_isJudgedOnLiteralAddressesOnly(String address, boolean loopback) {
    assertThat(Access.isLoopback(address)).isEqualTo(loopback);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "null, 127.0.0.1:7070, null, true",
        "http://127.0.0.1:7070, 127.0.0.1:7070, same-origin, true",
        "http://localhost:7070, 127.0.0.1:7070, null, false",
        "http://evil.example, 127.0.0.1:7070, cross-site, false",
        "null, 127.0.0.1:7070, cross-site, false",
        "null, 127.0.0.1:7070, same-site, false",
        "http://docket.example, docket.example:80, null, true",
        "https://docket.example, docket.example, null, true",
        "null-origin, 127.0.0.1:7070, null, false",
        "http://127.0.0.1:7070, null, null, false"
      })
  void sameOrigin_comparesTheOriginWithTheHost(
      String origin, String host, String fetchSite, boolean same) {
    assertThat(Access.isSameOrigin(origin, host, fetchSite)).isEqualTo(same);
  }

  @Test
  void randomTokens_areLongAndDistinct() {
    String one = Access.randomToken();
    String two = Access.randomToken();

    assertThat(one).hasSizeGreaterThanOrEqualTo(HttpOptions.MIN_TOKEN_LENGTH).isNotEqualTo(two);
    assertThat(one).matches("[A-Za-z0-9_-]+");
  }
}
