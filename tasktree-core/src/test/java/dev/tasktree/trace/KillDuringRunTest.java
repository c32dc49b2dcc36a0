package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL mid-run leaves a readable partial trace that reads as interrupted.
 */
class KillDuringRunTest {

  @TempDir Path dir;

  @Test
  void killNineLeavesAReadablePartialTrace() throws Exception {
    try (ChildJvm child = ChildJvm.start(TraceWritingChild.class, dir.toString())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> child.lines().stream().anyMatch(l -> l.equals("RUNNING 20")));
      String traceId =
          child.lines().stream()
              .filter(l -> l.startsWith("TRACE "))
              .findFirst()
              .orElseThrow()
              .substring(6);
      Path file = dir.resolve(traceId + ".jsonl");
      TraceReader reader = new TraceReader();
      // step-19 has ended in the child; the background writer hands it to the OS within its
      // flush interval, so it shows up in the file while the process is alive.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  Files.exists(file)
                      && reader
                          .read(file)
                          .spans()
                          .anyMatch(s -> s.name().equals("step-19") && s.status() == Status.OK));

      child.killHard();

      Trace partial = reader.read(file);
      assertThat(partial.summary().name()).isEqualTo("Doomed");
      assertThat(partial.summary().corruptLines()).isLessThanOrEqualTo(1);
      assertThat(partial.spans().filter(s -> s.status() == Status.OK).count())
          .isGreaterThanOrEqualTo(20);
      Instant afterSilence = Instant.now().plus(Duration.ofMinutes(1));
      Trace later =
          new TraceReader(Clock.fixed(afterSilence, ZoneOffset.UTC), Duration.ofSeconds(10))
              .read(file);
      assertThat(later.summary().status()).isEqualTo(Status.INTERRUPTED);
      assertThat(later.summary().finished()).isFalse();
    }
  }
}
