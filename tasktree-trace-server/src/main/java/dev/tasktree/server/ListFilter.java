package dev.tasktree.server;

import dev.tasktree.trace.TraceSummary;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * What the runs list keeps: text, statuses, models, tags, a start-time range and duration and cost
 * ranges. Parsed from the query parameters of {@code GET /api/traces}; every bad value is a 400
 * that names the parameter and the accepted forms. A value of a record, so equal filters share
 * cached totals.
 *
 * @param text lower-case text the name or id contains, or null
 * @param statuses statuses to keep (any of), empty for all
 * @param models lower-case model names (any of, exact), empty for all
 * @param tags tags that must all be present: name, and lower-case value or null for any value
 * @param fromUs earliest start in epoch microseconds (inclusive), or {@code Long.MIN_VALUE}
 * @param toUs latest start in epoch microseconds (exclusive), or {@code Long.MAX_VALUE}
 * @param minDurationUs shortest duration in microseconds, or -1
 * @param maxDurationUs longest duration in microseconds, or {@code Long.MAX_VALUE}
 * @param minCost lowest cost in US dollars, or -1
 * @param maxCost highest cost in US dollars, or {@code Double.MAX_VALUE}
 */
record ListFilter(
    String text,
    Set<String> statuses,
    Set<String> models,
    List<Tag> tags,
    long fromUs,
    long toUs,
    long minDurationUs,
    long maxDurationUs,
    double minCost,
    double maxCost) {

  static final Set<String> STATUSES =
      Set.of("OK", "FAIL", "CANCELLED", "RUNNING", "WAITING", "INTERRUPTED", "UNREADABLE");

  /** A tag condition: the tag is present, and has the value when one is given. */
  record Tag(String name, String value) {}

  /** Keeps everything. */
  static final ListFilter NONE =
      new ListFilter(
          null,
          Set.of(),
          Set.of(),
          List.of(),
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          -1,
          Long.MAX_VALUE,
          -1,
          Double.MAX_VALUE);

  /** Whether anything is filtered out. */
  boolean filters() {
    return !equals(NONE);
  }

  /** Whether any condition needs a readable summary (unreadable files never match those). */
  private boolean needsSummary() {
    return !models.isEmpty()
        || !tags.isEmpty()
        || minDurationUs >= 0
        || maxDurationUs != Long.MAX_VALUE
        || minCost >= 0
        || maxCost != Double.MAX_VALUE;
  }

  /**
   * Whether an entry is kept.
   *
   * @param lowerText the entry's name and id, lower-case (what {@code q} searches)
   */
  boolean matches(IndexEntry entry, String lowerText) {
    if (!statuses.isEmpty() && !statuses.contains(entry.statusName())) {
      return false;
    }
    if (text != null && !lowerText.contains(text)) {
      return false;
    }
    long start = entry.startKey();
    if (start < fromUs || start >= toUs) {
      return false;
    }
    TraceSummary s = entry.summary();
    if (s == null) {
      return !needsSummary();
    }
    long duration = entry.durationKey();
    if (duration < minDurationUs || duration > maxDurationUs) {
      return false;
    }
    if (s.costUsd() < minCost || s.costUsd() > maxCost) {
      return false;
    }
    if (!models.isEmpty() && s.models().stream().noneMatch(m -> models.contains(lower(m)))) {
      return false;
    }
    for (Tag tag : tags) {
      String value = s.tags().get(tag.name());
      if (value == null || (tag.value() != null && !lower(value).equals(tag.value()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses the list parameters.
   *
   * @param params all values of a query parameter (empty when absent)
   * @param clock for relative times ({@code from=1h}: an hour ago)
   * @throws ApiException 400 for any bad value
   */
  static ListFilter parse(Function<String, List<String>> params, Clock clock) {
    String q = last(params, "q");
    Set<String> statuses = new LinkedHashSet<>();
    for (String s : values(params, "status")) {
      String name = s.toUpperCase(Locale.ROOT);
      if (!STATUSES.contains(name)) {
        throw ApiException.badRequest(
            "unknown status '"
                + shown(s)
                + "': use OK, FAIL, CANCELLED, RUNNING, INTERRUPTED or"
                + " UNREADABLE");
      }
      statuses.add(name);
    }
    Set<String> models = new LinkedHashSet<>();
    for (String m : values(params, "model")) {
      models.add(lower(m));
    }
    List<Tag> tags = new ArrayList<>();
    for (String raw : params.apply("tag")) {
      String t = raw.trim();
      if (t.isEmpty()) {
        continue;
      }
      int colon = t.indexOf(':');
      String name = (colon < 0 ? t : t.substring(0, colon)).trim();
      if (name.isEmpty()) {
        throw ApiException.badRequest(
            "tag '" + shown(raw) + "' has no name: use tag=name or tag=name:value");
      }
      tags.add(new Tag(name, colon < 0 ? null : lower(t.substring(colon + 1).trim())));
    }
    long from = time(last(params, "from"), "from", clock, Long.MIN_VALUE);
    long to = time(last(params, "to"), "to", clock, Long.MAX_VALUE);
    if (from != Long.MIN_VALUE && to != Long.MAX_VALUE && from >= to) {
      throw ApiException.badRequest("from must be before to");
    }
    long minDuration = duration(last(params, "minDuration"), "minDuration", -1);
    long maxDuration = duration(last(params, "maxDuration"), "maxDuration", Long.MAX_VALUE);
    if (minDuration > maxDuration) {
      throw ApiException.badRequest("minDuration is above maxDuration");
    }
    double minCost = cost(last(params, "minCost"), "minCost", -1);
    double maxCost = cost(last(params, "maxCost"), "maxCost", Double.MAX_VALUE);
    if (minCost > maxCost) {
      throw ApiException.badRequest("minCost is above maxCost");
    }
    return new ListFilter(
        q == null || q.isBlank() ? null : lower(q.trim()),
        Set.copyOf(statuses),
        Set.copyOf(models),
        List.copyOf(tags),
        from,
        to,
        minDuration,
        maxDuration,
        minCost,
        maxCost);
  }

  private static String last(Function<String, List<String>> params, String name) {
    List<String> all = params.apply(name);
    if (all.isEmpty()) {
      return null;
    }
    String v = all.getLast();
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Values given comma-separated or repeated, trimmed, blanks dropped. */
  private static List<String> values(Function<String, List<String>> params, String name) {
    List<String> out = new ArrayList<>();
    for (String value : params.apply(name)) {
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /**
   * A start-time bound: an ISO-8601 instant ({@code 2026-01-01T09:30:00Z}, offsets allowed), a date
   * ({@code 2026-01-01}, midnight UTC) or an age ({@code 90s}, {@code 15m}, {@code 1h}, {@code
   * 30d}, {@code 2w}: that long ago).
   */
  private static long time(String text, String name, Clock clock, long absent) {
    if (text == null) {
      return absent;
    }
    Instant t;
    try {
      if (text.matches("[0-9]{1,9}[smhdwSMHDW]")) {
        t = clock.instant().minus(Retention.age(text));
      } else if (text.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        t = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else {
        t = java.time.OffsetDateTime.parse(text).toInstant();
      }
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw ApiException.badRequest(
          name
              + ": '"
              + shown(text)
              + "' is not a time: use an ISO-8601 instant (2026-01-01T09:30:00Z), a date"
              + " (2026-01-01) or an age (15m, 1h, 30d)");
    }
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /**
   * A duration in microseconds: a number and a unit ({@code 250ms}, {@code 1.5s}, {@code 2m},
   * {@code 1h}; {@code us} too), or a plain number of milliseconds.
   */
  private static long duration(String text, String name, long absent) {
    if (text == null) {
      return absent;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,12}(?:\\.[0-9]{1,6})?)\\s*(us|µs|ms|s|m|h)?")
            .matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw ApiException.badRequest(
          name
              + ": '"
              + shown(text)
              + "' is not a duration: use a number and us, ms, s, m or h (250ms, 1.5s, 2m), or"
              + " milliseconds");
    }
    BigDecimal n = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    long perUnit =
        switch (unit) {
          case "us", "µs" -> 1L;
          case "ms" -> 1_000L;
          case "s" -> 1_000_000L;
          case "m" -> 60_000_000L;
          default -> 3_600_000_000L;
        };
    BigDecimal us = n.multiply(BigDecimal.valueOf(perUnit));
    if (us.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
      throw ApiException.badRequest(name + ": '" + shown(text) + "' is too long");
    }
    return us.longValue();
  }

  /** A cost in US dollars: a non-negative decimal, optionally with a leading {@code $}. */
  private static double cost(String text, String name, double absent) {
    if (text == null) {
      return absent;
    }
    String t = text.startsWith("$") ? text.substring(1).trim() : text;
    if (!t.matches("[0-9]{1,12}(\\.[0-9]{1,12})?|\\.[0-9]{1,12}")) {
      throw ApiException.badRequest(
          name + ": '" + shown(text) + "' is not a cost: use US dollars, e.g. 0.05");
    }
    return Double.parseDouble(t);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** A parameter value as it may appear in an error: short, printable. */
  private static String shown(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }
}
