package dev.tasktree.bench;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.redis.RedisStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

/**
 * The other process of the termination figure: {@code URL PREFIX COUNT POLL_MILLIS}. Runs COUNT
 * Terminables one after another, on keys {@code term-0 .. term-(COUNT-1)}, each over a child that
 * waits for ever. Prints {@code READY term-i} once watching and {@code HOOK term-i EPOCH_MICROS}
 * from the child's cancel hook and {@code INTERRUPTED term-i EPOCH_MICROS} when its waiting thread
 * is interrupted (the two means by which cancellation reaches a node).
 */
public final class TerminationChild {

  private TerminationChild() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[2]);
    Duration poll = Duration.ofMillis(Long.parseLong(args[3]));
    try (RedisStore store =
        RedisStore.builder(args[0]).keyPrefix(args[1]).pollInterval(poll).build()) {
      Tree<String> tree =
          Tree.<String>named("Termination probe")
              .terminable(key -> key)
              .call(
                  (key, ctx) -> {
                    ctx.onCancel(() -> say("HOOK " + key + " " + epochMicros()));
                    say("READY " + key);
                    try {
                      new CountDownLatch(1).await(); // until the signal cancels us
                    } catch (InterruptedException e) {
                      say("INTERRUPTED " + key + " " + epochMicros());
                    }
                    return null;
                  })
              .build();
      RunOptions options = RunOptions.defaults().withSignalStore(store);
      for (int i = 0; i < count; i++) {
        tree.run(key(i), options);
      }
    }
    System.out.flush();
    System.exit(0);
  }

  static String key(int i) {
    return "term-" + i;
  }

  static long epochMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
