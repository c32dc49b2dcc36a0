package dev.tasktree.trace;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Trace ids: {@code 20261122T003012123456Z-answer-9f3c2a1b} — the start time to the microsecond (so
 * ids sort by time), a slug of the tree name, and 32 random bits. Ids are safe as file names and
 * URL segments; {@link #isValid} rejects anything else (path traversal included).
 */
public final class TraceIds {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern VALID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_-]{0,127}");

  private TraceIds() {}

  /** A new id for a run of the named tree that starts at {@code start}. */
  public static String create(String treeName, Instant start) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return STAMP.format(start) + "-" + slug(treeName) + "-" + HexFormat.of().formatHex(random);
  }

  /** Whether {@code id} is a well-formed trace id (letters, digits, '-' and '_', no dots). */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /** Lower-case letters and digits of {@code name}, other runs of characters as one '-'. */
  static String slug(String name) {
    String slug =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-+$", "");
    }
    return slug.isEmpty() ? "tree" : slug;
  }
}
