package dev.tasktree.trace;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Trace ids: {@code 20261122T003012123456Z-answer-9f3c2a1b} — the start time to the microsecond (so
 * ids sort by time), a slug of the tree name, and 32 random bits. Ids are safe as file names and
 * URL segments; {@link #isValid} rejects anything else (path traversal included).
 */
public final class TraceIds {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_LENGTH = 128;

  private TraceIds() {}

  /** A new id for a run of the named tree that starts at {@code start}. */
  public static String create(String treeName, Instant start) {
    return stamp(start)
        + "-"
        + slug(treeName)
        + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }

  /**
   * {@code yyyyMMdd'T'HHmmssSSSSSS'Z'}, from the trace lines' hand-written time (every run makes an
   * id, traced or not, and the JDK formatter cost microseconds of it).
   */
  private static String stamp(Instant start) {
    char[] t = new char[27];
    // Year 0 is "0001" to the formatter's year-of-era: left to it, like years past 9999.
    if (!TraceCodec.timeChars(start, t)
        || (t[0] == '0' && t[1] == '0' && t[2] == '0' && t[3] == '0')) {
      return STAMP.format(start);
    }
    char[] s = new char[22];
    int n = 0;
    for (int i = 0; i < 26; i++) {
      if (i != 4 && i != 7 && i != 13 && i != 16 && i != 19) {
        s[n++] = t[i];
      }
    }
    s[n] = 'Z';
    return new String(s);
  }

  /** Whether {@code id} is a well-formed trace id (letters, digits, '-' and '_', no dots). */
  public static boolean isValid(String id) {
    // By hand, not a regex: the trace server checks every name of a 100,000-file directory.
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !isAlphanumeric(id.charAt(0))) {
      return false;
    }
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!isAlphanumeric(c) && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Lower-case letters and digits of {@code name}, other runs of characters as one '-'. */
  static String slug(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder(Math.min(lower.length(), 48));
    boolean gap = false;
    for (int i = 0; i < lower.length() && slug.length() < 40; i++) {
      char c = lower.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (gap && !slug.isEmpty()) {
          slug.append('-');
        }
        gap = false;
        slug.append(c);
      } else {
        gap = true;
      }
    }
    int end = Math.min(slug.length(), 40);
    while (end > 0 && slug.charAt(end - 1) == '-') {
      end--;
    }
    return end == 0 ? "tree" : slug.substring(0, end);
  }
}
