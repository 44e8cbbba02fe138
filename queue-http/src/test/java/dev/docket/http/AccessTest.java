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
  private final Access access = new Access(TOKEN, false);

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
    String session = access.newSession(NOW);

    assertThat(access.identify("Bearer nope", session, "127.0.0.1", "localhost", NOW))
        .isEqualTo(Access.Caller.NONE);
  }

  @Test
  void aSession_lastsTwelveHours_andIsBoundToTheToken() {
    String session = access.newSession(NOW);

    assertThat(access.isSession(session, NOW.plus(Duration.ofHours(11)))).isTrue();
    assertThat(access.isSession(session, NOW.plus(Access.SESSION_LENGTH))).isFalse();
    assertThat(new Access(TOKEN + "-rotated", false).isSession(session, NOW)).isFalse();
    assertThat(new Access(TOKEN, false).isSession(session, NOW)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "abc", "abc.def", "AAAAAAAAAAA.AAAA", "!!!.???"})
  void aForgedSession_isRefused(String forged) {
    assertThat(access.isSession(forged, NOW)).isFalse();
  }

  @Test
  void aSessionWithAnotherExpiry_isRefused_becauseItsMacNoLongerMatches() {
    String session = access.newSession(NOW);
    String other = access.newSession(NOW.plus(Duration.ofDays(1)));
    String spliced =
        other.substring(0, other.indexOf('.')) + session.substring(session.indexOf('.'));

    assertThat(access.isSession(spliced, NOW)).isFalse();
  }

  @Test
  void csrfTokens_areBoundToTheSession() {
    String one = access.newSession(NOW);
    String two = access.newSession(NOW.plusSeconds(1));

    assertThat(access.isCsrfToken(one, access.csrfToken(one))).isTrue();
    assertThat(access.isCsrfToken(two, access.csrfToken(one))).isFalse();
    assertThat(access.isCsrfToken(null, access.csrfToken(one))).isFalse();
    assertThat(access.isCsrfToken(one, null)).isFalse();
  }

  @Test
  void openOnLocalhost_letsInBrowsersOnThisMachine_butNotARebindingHostName() {
    var open = new Access(TOKEN, true);

    assertThat(open.identify(null, null, "127.0.0.1", "localhost:7070", NOW))
        .isEqualTo(Access.Caller.BROWSER);
    assertThat(open.identify(null, null, "0:0:0:0:0:0:0:1", "[::1]:7070", NOW))
        .isEqualTo(Access.Caller.BROWSER);
    assertThat(open.identify(null, null, "127.0.0.1", "evil.example:7070", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(open.identify(null, null, "192.168.1.20", "localhost:7070", NOW))
        .isEqualTo(Access.Caller.NONE);
    assertThat(access.identify(null, null, "127.0.0.1", "localhost:7070", NOW))
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
