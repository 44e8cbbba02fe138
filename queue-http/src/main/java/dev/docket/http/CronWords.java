package dev.docket.http;

import dev.docket.runtime.Schedule;
import java.time.DayOfWeek;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A schedule's trigger in words: {@code every 5 minutes}, {@code every day at 02:30 Europe/Berlin},
 * {@code at 06:00 UTC on day 1 of every month}, {@code every 10 min} for an interval.
 *
 * <p>Only the common shapes of a five-field cron expression are put in words; any other expression
 * is returned as {@code cron <expression> <zone>}, so the words never claim what the expression
 * does not do. (cron-utils' own descriptor writes {@code at 06:00 at 1 day} for {@code 0 6 1 * *}
 * and drops the zone.) Stateless and thread-safe.
 */
final class CronWords {
  private CronWords() {}

  /** The trigger in words, or its plain form when its shape is not one put in words. */
  static String describe(Schedule.Trigger trigger) {
    return switch (trigger) {
      case Schedule.Trigger.Every every -> "every " + Formats.duration(every.interval());
      case Schedule.Trigger.Cron cron ->
          describe(cron.expression(), cron.zone())
              .orElse("cron " + cron.expression() + " " + zoneName(cron.zone()));
    };
  }

  /** A cron expression in words, if it has one of the shapes put in words. */
  static Optional<String> describe(String expression, ZoneId zone) {
    String[] fields = expression.strip().split("\\s+");
    if (fields.length != 5) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(describe(fields, zoneName(zone)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String describe(String[] f, String zone) {
    String minute = f[0];
    String hour = f[1];
    String dayOfMonth = f[2];
    String month = f[3];
    String dayOfWeek = f[4];
    boolean everyDay = dayOfMonth.equals("*") && month.equals("*") && dayOfWeek.equals("*");
    if (hour.equals("*") && everyDay) {
      if (minute.equals("*")) {
        return "every minute";
      }
      Integer step = step(minute, 60);
      if (step != null) {
        // Every zone's offset today is a whole number of quarter hours, so steps that divide 15
        // fire at the same instants in any zone; longer ones name where they start.
        String every = step == 1 ? "every minute" : "every " + step + " minutes";
        return 15 % step == 0 ? every : every + " from 00:00 " + zone;
      }
      if (isNumber(minute, 0, 59)) {
        return "every hour at minute " + Integer.parseInt(minute) + " (" + zone + ")";
      }
      return null;
    }
    if (!isNumber(minute, 0, 59)) {
      return null;
    }
    int m = Integer.parseInt(minute);
    if (everyDay) {
      Integer step = step(hour, 24);
      if (step != null) {
        return (step == 1 ? "every hour" : "every " + step + " hours")
            + " from 00:%02d ".formatted(m)
            + zone;
      }
    }
    String times = times(hour, m);
    if (times == null) {
      return null;
    }
    String at = "at " + times + " " + zone;
    if (everyDay) {
      return "every day " + at;
    }
    if (!dayOfWeek.equals("*")) {
      // Unix cron fires on either day field when both are set: too subtle for one phrase.
      if (!dayOfMonth.equals("*") || !month.equals("*")) {
        return null;
      }
      List<DayOfWeek> days = days(dayOfWeek);
      if (days == null) {
        return null;
      }
      if (days.size() == 1) {
        return "every " + name(days.getFirst()) + " " + at;
      }
      return "on " + dayList(dayOfWeek, days) + " " + at;
    }
    if (!isNumber(dayOfMonth, 1, 31)) {
      return null;
    }
    int day = Integer.parseInt(dayOfMonth);
    if (month.equals("*")) {
      return at + " on day " + day + " of every month";
    }
    Month named = month(month);
    return named == null ? null : at + " on " + day + " " + name(named);
  }

  /** {@code 06:00}, or {@code 09:00 and 17:00} for a list of hours; null for other shapes. */
  private static String times(String hour, int minute) {
    var hours = new TreeSet<Integer>();
    for (String part : hour.split(",", -1)) {
      if (!isNumber(part, 0, 23)) {
        return null;
      }
      hours.add(Integer.parseInt(part));
    }
    var words = new ArrayList<String>();
    hours.forEach(h -> words.add("%02d:%02d".formatted(h, minute)));
    return join(words);
  }

  /** The step of {@code *}{@code /n} when n divides the field's range evenly, else null. */
  private static Integer step(String field, int range) {
    if (!field.startsWith("*/")) {
      return null;
    }
    int n = Integer.parseInt(field.substring(2));
    // */7 fires at :56 and then :00, four minutes apart: not "every 7 minutes".
    return n >= 1 && n < range && range % n == 0 ? n : null;
  }

  /** The days of a day-of-week field: one day, a range or a list; null for other shapes. */
  private static List<DayOfWeek> days(String field) {
    var days = new ArrayList<DayOfWeek>();
    String[] range = field.split("-", -1);
    if (range.length == 2) {
      DayOfWeek from = day(range[0]);
      DayOfWeek to = day(range[1]);
      if (from == null || to == null || cronIndex(from) >= cronIndex(to)) {
        return null;
      }
      for (int i = cronIndex(from); i <= cronIndex(to); i++) {
        days.add(fromCronIndex(i));
      }
      return days;
    }
    for (String part : field.split(",", -1)) {
      DayOfWeek day = day(part);
      if (day == null || days.contains(day)) {
        return null;
      }
      days.add(day);
    }
    return days;
  }

  private static String dayList(String field, List<DayOfWeek> days) {
    if (field.contains("-")) {
      return name(days.getFirst()) + " to " + name(days.getLast());
    }
    return join(days.stream().map(CronWords::name).toList());
  }

  private static final List<String> DAY_NAMES =
      List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");

  /** A day: 0 to 7 (0 and 7 both Sunday) or a three-letter name; null otherwise. */
  private static DayOfWeek day(String text) {
    int named = DAY_NAMES.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return fromCronIndex(named);
    }
    return isNumber(text, 0, 7) ? fromCronIndex(Integer.parseInt(text) % 7) : null;
  }

  private static Month month(String text) {
    int named = MONTH_NAMES.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return Month.of(named + 1);
    }
    return isNumber(text, 1, 12) ? Month.of(Integer.parseInt(text)) : null;
  }

  /** Cron counts days from Sunday = 0. */
  private static int cronIndex(DayOfWeek day) {
    return day.getValue() % 7;
  }

  private static DayOfWeek fromCronIndex(int index) {
    return index == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(index);
  }

  private static boolean isNumber(String text, int min, int max) {
    if (text.isEmpty() || text.length() > 2 || !text.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int n = Integer.parseInt(text);
    return n >= min && n <= max;
  }

  private static String name(DayOfWeek day) {
    return day.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  private static String name(Month month) {
    return month.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String join(List<String> words) {
    if (words.size() == 1) {
      return words.getFirst();
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.getLast();
  }

  /** The zone as people write it: {@code UTC} for UTC however it was named. */
  static String zoneName(ZoneId zone) {
    ZoneId normal = zone.normalized();
    return normal.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
  }
}
