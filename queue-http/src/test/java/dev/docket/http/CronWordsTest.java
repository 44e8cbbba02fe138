package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.Schedule;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronWordsTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @ParameterizedTest(name = "{0} is \"{1}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * * *       | every minute",
        "*/1 * * * *     | every minute",
        "*/5 * * * *     | every 5 minutes",
        "*/15 * * * *    | every 15 minutes",
        "*/30 * * * *    | every 30 minutes from 00:00 UTC",
        "15 * * * *      | every hour at minute 15 (UTC)",
        "0 */2 * * *     | every 2 hours from 00:00 UTC",
        "30 */6 * * *    | every 6 hours from 00:30 UTC",
        "30 2 * * *      | every day at 02:30 UTC",
        "0 9,17 * * *    | every day at 09:00 and 17:00 UTC",
        "0 8,12,18 * * * | every day at 08:00, 12:00 and 18:00 UTC",
        "0 6 1 * *       | at 06:00 UTC on day 1 of every month",
        "0 0 15 3 *      | at 00:00 UTC on 15 March",
        "0 0 1 JAN *     | at 00:00 UTC on 1 January",
        "0 0 * * 0       | every Sunday at 00:00 UTC",
        "0 0 * * 7       | every Sunday at 00:00 UTC",
        "0 0 * * sun     | every Sunday at 00:00 UTC",
        "0 9 * * 1-5     | on Monday to Friday at 09:00 UTC",
        "0 9 * * MON-FRI | on Monday to Friday at 09:00 UTC",
        "0 9 * * 1,3,5   | on Monday, Wednesday and Friday at 09:00 UTC",
      })
  void commonShapes_areWrittenInWords(String expression, String words) {
    assertThat(CronWords.describe(new Schedule.Trigger.Cron(expression, UTC))).isEqualTo(words);
  }

  @Test
  void theZone_isNamedWhereTheClockMatters() {
    assertThat(CronWords.describe(new Schedule.Trigger.Cron("30 2 * * *", BERLIN)))
        .isEqualTo("every day at 02:30 Europe/Berlin");
    assertThat(CronWords.describe(new Schedule.Trigger.Cron("*/5 * * * *", BERLIN)))
        .isEqualTo("every 5 minutes");
    assertThat(CronWords.describe(new Schedule.Trigger.Cron("0 6 * * *", ZoneId.of("UTC"))))
        .isEqualTo("every day at 06:00 UTC");
    assertThat(CronWords.describe(new Schedule.Trigger.Cron("0 6 * * *", ZoneId.of("Etc/UTC"))))
        .isEqualTo("every day at 06:00 UTC");
  }

  @ParameterizedTest(name = "{0} is left as it is")
  @ValueSource(
      strings = {
        "*/7 * * * *", // fires at :56 and then :00, four minutes apart
        "0 */5 * * *", // 20:00 then 00:00
        "0 9 1 * 1", // day 1 or any Monday: Unix cron's OR of the day fields
        "0 9 * 1 *", // every day of January
        "0 9 1 1,7 *",
        "0-30 9 * * *",
        "5,10 9 * * *",
        "0 9 * * 5-1",
        "0 9-17 * * *",
        "0 9 L * *",
      })
  void otherShapes_fallBackToTheExpressionAndZone(String expression) {
    Schedule.Trigger trigger;
    try {
      trigger = new Schedule.Trigger.Cron(expression, BERLIN);
    } catch (IllegalArgumentException e) {
      // cron-utils refuses it: the words are only asked of valid expressions anyway.
      assertThat(CronWords.describe(expression, BERLIN)).isEmpty();
      return;
    }
    assertThat(CronWords.describe(trigger)).isEqualTo("cron " + expression + " Europe/Berlin");
  }

  @Test
  void anInterval_isWrittenAsAHumanDuration() {
    assertThat(CronWords.describe(new Schedule.Trigger.Every(Duration.ofMinutes(10))))
        .isEqualTo("every 10 min");
    assertThat(CronWords.describe(new Schedule.Trigger.Every(Duration.ofMillis(1_500))))
        .isEqualTo("every 1.5 s");
  }
}
