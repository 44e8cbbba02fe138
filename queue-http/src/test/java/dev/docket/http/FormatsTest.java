package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {
  private static final Instant NOW = Instant.parse("2030-01-31T09:00:00Z");

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0",
        "7 | 7",
        "999 | 999",
        "1000 | 1,000",
        "1234 | 1,234",
        "54000 | 54,000",
        "1234567 | 1,234,567",
        "-1234 | -1,234"
      })
  void count_separatesThousandsWithCommas(long n, String written) {
    assertThat(Formats.count(n)).isEqualTo(written);
  }

  @Test
  void count_isTheSameWhateverTheDefaultLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY); // writes 1.234 by itself
      assertThat(Formats.count(1234)).isEqualTo("1,234");
    } finally {
      Locale.setDefault(before);
    }
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PT0S | 0 s",
        "PT0.0000005S | < 1 ms",
        "PT0.001S | 1 ms",
        "PT0.2S | 200 ms",
        "PT0.999S | 999 ms",
        "PT1S | 1 s",
        "PT3.2S | 3.2 s",
        "PT3.24S | 3.2 s",
        "PT3.96S | 4 s",
        "PT59.9S | 59.9 s",
        "PT59.96S | 1 min",
        "PT1M | 1 min",
        "PT4M10S | 4 min 10 s",
        "PT4M10.4S | 4 min 10 s",
        "PT59M59.6S | 1 h",
        "PT1H | 1 h",
        "PT2H5M | 2 h 5 min",
        "PT2H5M40S | 2 h 6 min",
        "PT23H59M50S | 1 d",
        "PT24H | 1 d",
        "PT76H | 3 d 4 h",
        "PT8784H | 366 d",
        "-PT3.2S | -3.2 s"
      })
  void duration_isWrittenInTheLargestReadableUnits(String iso, String written) {
    assertThat(Formats.duration(Duration.parse(iso))).isEqualTo(written);
    assertThat(Formats.duration(iso)).isEqualTo(written);
  }

  @Test
  void duration_ofTextThatIsNoDuration_isTheTextItself() {
    assertThat(Formats.duration("0 6 1 * *")).isEqualTo("0 6 1 * *");
    assertThat(Formats.duration((String) null)).isEqualTo("null");
  }

  @Test
  void seconds_asTheApiReportsAges_areWrittenAsADuration() {
    assertThat(Formats.seconds(0.4)).isEqualTo("400 ms");
    assertThat(Formats.seconds(12.34)).isEqualTo("12.3 s");
    assertThat(Formats.seconds(250)).isEqualTo("4 min 10 s");
    assertThat(Formats.seconds(7_500)).isEqualTo("2 h 5 min");
  }

  @ParameterizedTest(name = "{0} from now is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PT0S | now",
        "PT0.9S | now",
        "-PT0.9S | now",
        "-PT1S | 1 s ago",
        "-PT45S | 45 s ago",
        "-PT3M10S | 3 min ago",
        "PT5M | in 5 min",
        "PT5M59S | in 5 min",
        "-PT2H5M | 2 h 5 min ago",
        "PT76H | in 3 d 4 h"
      })
  void relative_saysHowLongAgoOrHowFarAhead(String offset, String written) {
    assertThat(Formats.relative(NOW.plus(Duration.parse(offset)), NOW)).isEqualTo(written);
  }

  @Test
  void noTime_isADash() {
    assertThat(Formats.relative(null, NOW)).isEqualTo("–");
    assertThat(Formats.utc(null)).isEqualTo("–");
  }

  @Test
  void utc_isTheAbsoluteTimeToTheSecond() {
    assertThat(Formats.utc(Instant.parse("2030-01-31T09:00:05.789Z")))
        .isEqualTo("2030-01-31 09:00:05 UTC");
  }
}
