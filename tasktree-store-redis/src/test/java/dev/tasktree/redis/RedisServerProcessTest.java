package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The test harness's own guard: a server that cannot bind its port is noticed, not mistaken for the
 * stranger answering there (whose later stop once looked like our server dropping a connection).
 */
class RedisServerProcessTest {

  @Test
  void aServerWhosePortIsTakenIsReportedNotConfusedWithTheOneAnswering() {
    try (RedisServerProcess stranger = RedisServerProcess.start("--requirepass", "pw")) {
      assertThatThrownBy(() -> RedisServerProcess.startOn(stranger.port(), "--requirepass", "pw"))
          .isInstanceOf(RedisServerProcess.PortTaken.class)
          .hasMessageContaining(String.valueOf(stranger.port()));
    }
  }
}
