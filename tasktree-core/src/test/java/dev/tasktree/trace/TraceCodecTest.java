package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceCodecTest {

  @Test
  void theHandWrittenTimeFormatMatchesTheJdkFormatter() {
    DateTimeFormatter jdk =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    Random random = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
      assertThat(TraceCodec.time(t)).isEqualTo(jdk.format(t));
      Instant micros = t.minusNanos(t.getNano() % 1_000);
      if (t.getEpochSecond() >= -62_167_219_200L) { // year 0 and later: the hand-written path
        assertThat(TraceCodec.parseTime(TraceCodec.time(t))).isEqualTo(micros);
      }
    }
    assertThat(TraceCodec.time(Instant.parse("2026-11-22T00:48:12.0311489Z")))
        .isEqualTo("2026-11-22T00:48:12.031148Z");
    // other shapes still parse, through the JDK
    assertThat(TraceCodec.parseTime("2026-11-22T00:48:12Z"))
        .isEqualTo(Instant.parse("2026-11-22T00:48:12Z"));
  }

  @Test
  void badTimesAreRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TraceCodec.parseTime("2026-13-01T00:00:00.000000Z"))
        .isInstanceOf(java.time.format.DateTimeParseException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TraceCodec.parseTime("2026-02-30T00:00:00.000000Z"))
        .isInstanceOf(java.time.format.DateTimeParseException.class);
  }
}
