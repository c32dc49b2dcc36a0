package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

  @Test
  void idsSortByTimeAndCarryASlug() {
    String earlier =
        TraceIds.create("Answer the Question!", Instant.parse("2026-11-22T00:30:12.000001Z"));
    String later = TraceIds.create("Another", Instant.parse("2026-11-22T00:30:12.000002Z"));
    assertThat(earlier).startsWith("20261122T003012000001Z-answer-the-question-");
    assertThat(earlier).isLessThan(later);
    assertThat(TraceIds.isValid(earlier)).isTrue();
  }

  @Test
  void invalidIdsAreRejected() {
    assertThat(TraceIds.isValid("../etc/passwd")).isFalse();
    assertThat(TraceIds.isValid("a/b")).isFalse();
    assertThat(TraceIds.isValid(".hidden")).isFalse();
    assertThat(TraceIds.isValid("")).isFalse();
    assertThat(TraceIds.isValid(null)).isFalse();
    assertThat(TraceIds.isValid("x".repeat(200))).isFalse();
  }

  /** The hand-written check accepts exactly what the regex it replaced accepted. */
  @Test
  void validityIsThatOfTheRegex() {
    java.util.regex.Pattern regex =
        java.util.regex.Pattern.compile("[0-9A-Za-z][0-9A-Za-z_-]{0,127}");
    String alphabet = "aZz09-_./\\ \u0000é😀:AZ";
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder id = new StringBuilder();
      int length = i % 100 == 0 ? 120 + random.nextInt(20) : random.nextInt(12);
      for (int c = 0; c < length; c++) {
        id.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(TraceIds.isValid(id.toString()))
          .as(id.toString())
          .isEqualTo(regex.matcher(id).matches());
    }
    assertThat(TraceIds.isValid("a".repeat(128))).isTrue();
    assertThat(TraceIds.isValid("a".repeat(129))).isFalse();
  }

  @Test
  void slugsAreShortAndNeverEmpty() {
    assertThat(TraceIds.slug("!!!")).isEqualTo("tree");
    assertThat(TraceIds.slug("x".repeat(100))).hasSize(40);
  }

  /** The hand-written slug and stamp give exactly what the regex and JDK formatter gave. */
  @Test
  void theSlugAndStampAreThoseOfTheRegexAndFormatterVersions() {
    DateTimeFormatter stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSSSSS'Z'").withZone(ZoneOffset.UTC);
    String alphabet = "aZ09-_ .!İé😀\u0000/>[]";
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(60);
      for (int c = 0; c < length; c++) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(TraceIds.slug(name.toString()))
          .as(name.toString())
          .isEqualTo(regexSlug(name.toString()));
      Instant start = Instant.ofEpochSecond(random.nextLong(-1L << 36, 1L << 36), i * 997L);
      String id = TraceIds.create("x", start);
      assertThat(id.substring(0, id.length() - 11))
          .as(start.toString())
          .isEqualTo(stamp.format(start));
    }
  }

  private static String regexSlug(String name) {
    String slug =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-+$", "");
    }
    return slug.isEmpty() ? "tree" : slug;
  }
}
