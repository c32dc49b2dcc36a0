package dev.tasktree.server;

import java.time.Duration;
import java.util.Locale;

/**
 * What a trace directory keeps: traces younger than {@code maxAge}, and at most the newest {@code
 * keep}. Either may be absent; a trace that is still running is always kept, whatever its age.
 *
 * @param maxAge delete traces that started longer ago than this (null = no age limit)
 * @param keep keep at most this many traces, the newest (null = no count limit)
 */
public record Retention(Duration maxAge, Integer keep) {

  /** Validates: at least one limit, both positive. */
  public Retention {
    if (maxAge == null && keep == null) {
      throw new IllegalArgumentException("a retention needs an age, a count or both");
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("the age to keep must be positive");
    }
    if (keep != null && keep < 1) {
      throw new IllegalArgumentException("the number of traces to keep must be at least 1");
    }
  }

  /**
   * Parses {@code 30d}, {@code 5000} or both ({@code 30d,5000}): an age with a unit ({@code s},
   * {@code m}, {@code h}, {@code d}, {@code w}) and/or a count.
   *
   * @throws IllegalArgumentException when the text is neither
   */
  public static Retention parse(String text) {
    Duration age = null;
    Integer keep = null;
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.matches("[0-9]+")) {
        keep = count(p);
      } else {
        age = age(p);
      }
    }
    return new Retention(age, keep);
  }

  /**
   * Parses an age: a number and a unit, e.g. {@code 90s}, {@code 15m}, {@code 1h}, {@code 30d},
   * {@code 2w}.
   *
   * @throws IllegalArgumentException when the text is not an age
   */
  public static Duration age(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("[0-9]{1,9}[smhdw]")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an age: use a number and s, m, h, d or w (e.g. 30d)");
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    Duration d =
        switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          case 'd' -> Duration.ofDays(n);
          default -> Duration.ofDays(7 * n);
        };
    if (d.isZero()) {
      throw new IllegalArgumentException("the age must be positive, was '" + text + "'");
    }
    return d;
  }

  /**
   * Parses a positive count.
   *
   * @throws IllegalArgumentException when the text is not a positive number
   */
  public static int count(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n < 1) {
        throw new IllegalArgumentException("'" + text + "' must be at least 1");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
  }
}
