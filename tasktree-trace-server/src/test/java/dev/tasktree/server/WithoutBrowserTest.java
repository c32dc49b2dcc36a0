package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tasktree.testsupport.MissingService;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The skip rule for the browser tests, checked by running them in-process as if there were no
 * Chromium: skipped with the reason and no error from their cleanup, or failed under CI=true.
 */
class WithoutBrowserTest {

  private static final String REASON = "no browser (WithoutBrowserTest pretends so)";

  private static EngineExecutionResults runWithoutBrowser(boolean ci) {
    return MissingService.asIf(
        ci,
        () ->
            Browser.asIfMissing(
                REASON,
                () ->
                    EngineTestKit.engine("junit-jupiter")
                        .selectors(selectClass(BrowserTest.class))
                        .execute()));
  }

  private static String messageOf(Event event) {
    return event
        .getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .map(Throwable::getMessage)
        .orElse("");
  }

  @Test
  void withoutABrowserTheBrowserTestsAreSkippedWithTheReason() {
    EngineExecutionResults results = runWithoutBrowser(false);

    List<Event> failed = results.allEvents().failed().list();
    assertThat(failed).as("failures without a browser: %s", failed).isEmpty();
    List<Event> aborted = results.containerEvents().aborted().list();
    assertThat(aborted).hasSize(1);
    assertThat(messageOf(aborted.getFirst())).contains(REASON);
  }

  @Test
  void underCiAMissingBrowserFailsTheBrowserTests() {
    EngineExecutionResults results = runWithoutBrowser(true);

    assertThat(results.allEvents().aborted().list()).isEmpty();
    List<Event> failed = results.containerEvents().failed().list();
    assertThat(failed).hasSize(1);
    assertThat(messageOf(failed.getFirst())).contains(REASON, "CI=true");
  }
}
