package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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

  @Test
  void slugsAreShortAndNeverEmpty() {
    assertThat(TraceIds.slug("!!!")).isEqualTo("tree");
    assertThat(TraceIds.slug("x".repeat(100))).hasSize(40);
  }
}
