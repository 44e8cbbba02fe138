package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpOptionsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aaaaaaaaaaaaaaaa",
        "abababababababab",
        "abcdefghijklmnop",
        "0123456789abcdef",
        "1234567812345678",
        "zyxwvutsrqponmlk",
        "aaaabbbbccccddddeeee",
        "short-token"
      })
  void anObviouslyWeakToken_isRefusedAtStart_withoutBeingShown(String token) {
    assertThatThrownBy(() -> HttpOptions.builder().token(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The API token is refused: ")
        .hasMessageContaining("openssl rand -hex 24")
        .hasMessageNotContaining(token);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        HttpFixture.TOKEN,
        "a-token-of-sixteen-or-more",
        "dashboard-browser-test-token",
        "serve-outage-token-0123456789abcdef",
        "3f9c2a7be14d8806c5a1f0e27b9d4c63a8e5f1027b3c9d4e",
        "kP3_x9Qz-Lm2Vb7R"
      })
  void aRandomOrWordyToken_isAccepted(String token) {
    assertThat(HttpOptions.builder().token(token).build().token()).contains(token);
  }

  @Test
  void randomTokens_madeAtStart_passTheirOwnRule() {
    for (int i = 0; i < 200; i++) {
      assertThat(HttpOptions.weakness(Access.randomToken())).isEmpty();
    }
  }

  @Test
  void secureCookiesAndTrustProxy_areOffByDefault_andCanBeSet() {
    assertThat(HttpOptions.defaults().secureCookies()).isFalse();
    assertThat(HttpOptions.defaults().trustProxy()).isFalse();
    var options = HttpOptions.builder().secureCookies(true).trustProxy(true).build();
    assertThat(options.secureCookies()).isTrue();
    assertThat(options.trustProxy()).isTrue();
  }
}
