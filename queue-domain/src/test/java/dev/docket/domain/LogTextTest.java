package dev.docket.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

  @Test
  void aLineFeedOrCarriageReturn_isWrittenAsAnEscape_soTheValueStaysOnOneLine() {
    String forged = "boom\n12:00:00.000 INFO  dev.docket.jobs - Job 1 completed\r\nmore";

    String escaped = LogText.escape(forged);

    assertThat(escaped)
        .doesNotContain("\n", "\r")
        .isEqualTo(
            "boom\\u000a12:00:00.000 INFO  dev.docket.jobs - Job 1 completed\\u000d\\u000amore");
  }

  @Test
  void otherControls_bidiControls_andLoneSurrogates_areEscaped() {
    assertThat(LogText.escape("a\u0000b\u001bc\u007fd\u0085e"))
        .isEqualTo("a\\u0000b\\u001bc\\u007fd\\u0085e");
    assertThat(LogText.escape("order-\u202Efdp.exe\u2066\u2069\u200F\u2028"))
        .isEqualTo("order-\\u202efdp.exe\\u2066\\u2069\\u200f\\u2028");
    assertThat(LogText.escape("x\uD83Dy")).isEqualTo("x\\ud83dy");
  }

  @Test
  void ordinaryText_passesUnchanged_unicodeIncluded() {
    String text = "caf\u00e9 \uD83D\uDE00 \\n tab-free, quotes \"'";

    assertThat(LogText.escape(text)).isSameAs(text);
    assertThat(LogText.escape(null)).isEqualTo("null");
  }

  @Test
  void longText_isCut_andSaysHowLongItWas() {
    String escaped = LogText.escape("x".repeat(LogText.MAX_LENGTH + 5));

    assertThat(escaped)
        .startsWith("x".repeat(LogText.MAX_LENGTH))
        .endsWith("...(" + (LogText.MAX_LENGTH + 5) + " characters)");
  }
}
