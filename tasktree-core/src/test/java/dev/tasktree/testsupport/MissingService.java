package dev.tasktree.testsupport;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that need something the machine may lack (a Redis, a browser, Docker, a
 * binary): without it the test is skipped with a message naming what is missing and how to provide
 * it — except under {@code CI=true}, where a missing service is a failure, so CI cannot pass by
 * skipping. Shared with the other modules through core's test jar.
 */
public final class MissingService {

  private static final ThreadLocal<Boolean> CI_OVERRIDE = new ThreadLocal<>();

  private MissingService() {}

  /**
   * Skips the calling test (or fails it under {@code CI=true}) because {@code what} is missing.
   *
   * @throws org.opentest4j.TestAbortedException always when not under CI
   * @throws org.opentest4j.AssertionFailedError always under CI
   */
  public static void skipOrFail(String what) {
    if (ci()) {
      Assertions.fail(what + " (CI=true: a missing service is an error)");
    }
    Assumptions.abort(what);
  }

  /** Whether this run is CI's: {@code CI=true} in the environment (or as set by {@link #asIf}). */
  public static boolean ci() {
    Boolean override = CI_OVERRIDE.get();
    return override != null ? override : "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Runs {@code body} on this thread as if {@code CI} were {@code ci}: for tests of the skip rule
   * itself, which run other test classes in-process (JUnit's EngineTestKit, same thread).
   */
  public static <T> T asIf(boolean ci, Supplier<T> body) {
    Boolean before = CI_OVERRIDE.get();
    CI_OVERRIDE.set(ci);
    try {
      return body.get();
    } finally {
      CI_OVERRIDE.set(before);
    }
  }
}
