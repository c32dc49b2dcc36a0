package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A failure's suggested delay lengthens a backoff's wait, up to the cap; it never shortens it. */
class SuggestedRetryDelayTest {

  record Throttled(Duration after) implements SuggestsRetryDelay {
    @Override
    public Optional<Duration> suggestedRetryDelay() {
      return Optional.ofNullable(after);
    }
  }

  private final Random random = new Random(1);

  @Test
  void theLongerOfBackoffAndSuggestionUpToTheCap() {
    Backoff fixed = Backoff.fixed(Duration.ofMillis(200));
    assertThat(fixed.delay(0, random, new Throttled(Duration.ofSeconds(2))))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(fixed.delay(0, random, new Throttled(Duration.ofMillis(50))))
        .isEqualTo(Duration.ofMillis(200));
    assertThat(fixed.delay(0, random, new Throttled(null))).isEqualTo(Duration.ofMillis(200));
    assertThat(fixed.delay(0, random, "not a hint")).isEqualTo(Duration.ofMillis(200));
    assertThat(fixed.delay(0, random, new Throttled(Duration.ofMinutes(5))))
        .isEqualTo(Backoff.DEFAULT_SUGGESTED_DELAY_CAP);
    assertThat(
            fixed
                .withSuggestedDelayCap(Duration.ofSeconds(1))
                .delay(0, random, new Throttled(Duration.ofSeconds(7))))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(
            Backoff.none()
                .withSuggestedDelayCap(Duration.ZERO)
                .delay(0, random, new Throttled(Duration.ofSeconds(7))))
        .isZero();
  }
}
