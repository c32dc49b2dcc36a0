package dev.tasktree.testsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, when a module's tests end, every reason a test was skipped — "no Redis answers at
 * 127.0.0.1:6399 ...", "browser tests need Chromium ..." — with the count and the classes, so a
 * green build says what it did not test. Registered for every module with core's test jar through
 * {@code META-INF/services}. Surefire sends tests' own output to files; this goes to the process's
 * standard error, which Maven shows.
 */
public final class SkipReport implements TestExecutionListener {

  private final Supplier<PrintStream> out;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Set<String>> classesByReason = new TreeMap<>();
  private final Map<String, Integer> countByReason = new TreeMap<>();

  /** The report ServiceLoader registers: to the process's standard error. */
  public SkipReport() {
    this(
        () ->
            new PrintStream(
                new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
  }

  SkipReport(Supplier<PrintStream> out) {
    this.out = out;
  }

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    record(test, reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
  }

  private void record(TestIdentifier test, String reason) {
    String where =
        test.getSource()
            .filter(MethodSource.class::isInstance)
            .map(source -> ((MethodSource) source).getClassName())
            .orElse(test.getDisplayName());
    lock.lock();
    try {
      classesByReason
          .computeIfAbsent(reason, r -> new TreeSet<>())
          .add(where.substring(where.lastIndexOf('.') + 1));
      countByReason.merge(reason, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    lock.lock();
    try {
      if (classesByReason.isEmpty()) {
        return;
      }
      PrintStream err = out.get();
      classesByReason.forEach(
          (reason, classes) ->
              err.println(
                  "[SKIPPED] "
                      + countByReason.get(reason)
                      + " test(s) in "
                      + String.join(", ", classes)
                      + ": "
                      + reason));
      err.flush();
    } finally {
      lock.unlock();
    }
  }
}
