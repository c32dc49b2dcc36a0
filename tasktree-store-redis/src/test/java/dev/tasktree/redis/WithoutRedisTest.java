package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.ClassNameFilter.excludeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.tasktree.testsupport.MissingService;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The skip rule for this module, checked by running every other test class of it in-process as if
 * the machine had no Redis, no Docker and no redis-server: each test is skipped with the reason (or
 * passes without Redis), none errors — a cleanup that assumed a connection used to throw
 * NullPointerExceptions here — and under CI=true each one fails instead.
 */
class WithoutRedisTest {

  private static final String REASON = "no Redis for this test (WithoutRedisTest pretends so)";

  private static EngineExecutionResults runAllWithoutRedis(boolean ci) {
    return MissingService.asIf(
        ci,
        () ->
            TestRedis.asIfMissing(
                REASON,
                () ->
                    EngineTestKit.engine("junit-jupiter")
                        .selectors(selectPackage(WithoutRedisTest.class.getPackageName()))
                        .filters(
                            excludeClassNamePatterns(".*" + WithoutRedisTest.class.getSimpleName()))
                        .execute()));
  }

  @Test
  void withoutRedisEveryTestIsSkippedWithTheReasonAndNoneErrors() {
    EngineExecutionResults results = runAllWithoutRedis(false);

    List<Event> failed = results.allEvents().failed().list();
    assertThat(failed).as("failures without Redis: %s", failed).isEmpty();
    List<Event> aborted = results.allEvents().aborted().list();
    assertThat(aborted).hasSizeGreaterThanOrEqualTo(5);
    assertThat(aborted)
        .allSatisfy(
            event ->
                assertThat(event.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                    .hasValueSatisfying(
                        result ->
                            assertThat(result.getThrowable())
                                .hasValueSatisfying(
                                    cause -> assertThat(cause).hasMessageContaining(REASON))));
    // every class that needs Redis is among the skipped, not just some of them
    assertThat(aborted.stream().map(event -> event.getTestDescriptor().getUniqueId().toString()))
        .anyMatch(id -> id.contains("RedisCacheTest"))
        .anyMatch(id -> id.contains("RedisSignalTest"))
        .anyMatch(id -> id.contains("RedisDocsTest"))
        .anyMatch(id -> id.contains("CrossProcessTest"))
        .anyMatch(id -> id.contains("LatencyReportTest"))
        .anyMatch(id -> id.contains("RedisFailureTest"));
  }

  @Test
  void underCiAMissingRedisFailsEveryTestThatNeedsIt() {
    EngineExecutionResults results = runAllWithoutRedis(true);

    assertThat(results.allEvents().aborted().list()).isEmpty();
    List<Event> failed = results.allEvents().failed().list();
    assertThat(failed).hasSizeGreaterThanOrEqualTo(5);
    assertThat(failed)
        .allSatisfy(
            event ->
                assertThat(event.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                    .hasValueSatisfying(
                        result ->
                            assertThat(result.getThrowable())
                                .hasValueSatisfying(
                                    cause ->
                                        assertThat(cause)
                                            .hasMessageContaining(REASON)
                                            .hasMessageContaining("CI=true"))));
  }
}
