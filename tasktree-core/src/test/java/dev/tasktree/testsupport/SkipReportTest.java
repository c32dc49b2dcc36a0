package dev.tasktree.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The skip report names each reason once, with how many tests and which classes it skipped. */
class SkipReportTest {

  /** Run by the test below only (surefire leaves nested classes alone). */
  static class NeedsServices {
    @Test
    void one() {
      Assumptions.abort("no Redis answers at 127.0.0.1:1");
    }

    @Test
    void two() {
      Assumptions.abort("no Redis answers at 127.0.0.1:1");
    }

    @Test
    @Disabled("not on this platform")
    void three() {}

    @Test
    void four() {}
  }

  @Test
  void eachReasonIsPrintedOnceWithItsCountAndClassesInReasonOrder() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SkipReport report =
        new SkipReport(() -> new PrintStream(printed, true, StandardCharsets.UTF_8));
    LauncherFactory.create(
            LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NeedsServices.class))
                .build(),
            report);

    assertThat(printed.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "[SKIPPED] 2 test(s) in SkipReportTest$NeedsServices: no Redis answers at 127.0.0.1:1",
            "[SKIPPED] 1 test(s) in SkipReportTest$NeedsServices: not on this platform");
  }

  @Test
  void nothingIsPrintedWhenNothingWasSkipped() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SkipReport report =
        new SkipReport(() -> new PrintStream(printed, true, StandardCharsets.UTF_8));
    report.testPlanExecutionFinished(null);
    assertThat(printed.size()).isZero();
  }
}
