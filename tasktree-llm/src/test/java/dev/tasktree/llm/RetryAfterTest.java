package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Backoff;
import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.Tree;
import dev.tasktree.llm.LlmError.Category;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Retry-After and x-ratelimit-* reach the error, and a Retry's backoff honours them. */
class RetryAfterTest extends ScriptedServerTest {

  private LlmNode<Chat> node(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages);
  }

  @Test
  void retryAfterAndRateLimitHeadersAreRecordedOnTheError() {
    server.script(
        "limited",
        ScriptedReply.error(429, "slow down")
            .retryAfter(Duration.ofSeconds(7))
            .header("x-ratelimit-reset-requests", "1m30s")
            .header("x-ratelimit-reset-tokens", "250ms")
            .header("x-ratelimit-remaining-requests", "0")
            .header("x-ratelimit-remaining-tokens", "1200"));
    server.script(
        "resetOnly",
        ScriptedReply.error(429, "tokens")
            .header("x-ratelimit-reset-tokens", "6m0s")
            .header("x-ratelimit-remaining-tokens", "0"));

    LlmError limited =
        (LlmError) Tree.<Chat>named("R").node(node("limited")).build().run(new Chat("q")).data();
    LlmError resetOnly =
        (LlmError) Tree.<Chat>named("R").node(node("resetOnly")).build().run(new Chat("q")).data();

    assertThat(limited.category()).isEqualTo(Category.RATE_LIMITED);
    assertThat(limited.rateLimits())
        .isEqualTo(
            new RateLimits(
                Duration.ofSeconds(7), Duration.ofSeconds(90), Duration.ofMillis(250), 0L, 1200L));
    assertThat(limited.suggestedRetryDelay()).contains(Duration.ofSeconds(7));
    assertThat(resetOnly.suggestedRetryDelay()).contains(Duration.ofMinutes(6));
  }

  @Test
  void retryWaitsTheSuggestedDelayButNeverAfterTheLastTry() {
    server.script(
        "busy",
        ScriptedReply.error(429, "busy").retryAfter(Duration.ofSeconds(1)),
        ScriptedReply.error(429, "still busy").retryAfter(Duration.ofSeconds(25)));
    long start = System.nanoTime();
    Result result =
        Tree.<Chat>named("R")
            .retry(RetryPolicy.tries(2).retryIf(LlmError::isTransient)) // no backoff of its own
            .node(node("busy"))
            .build()
            .run(new Chat("q"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.isOk()).isFalse();
    List<RecordedRequest> requests = server.requests("busy");
    assertThat(requests).hasSize(2);
    assertThat(Duration.between(requests.get(0).received(), requests.get(1).received()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    // the last failure suggests 25 s: a Retry that slept after it would take that long
    assertThat(took).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void theSuggestedDelayIsCappedByThePolicy() {
    server.script(
        "slow",
        ScriptedReply.error(429, "busy").retryAfter(Duration.ofSeconds(30)),
        ScriptedReply.text("ok"));
    long start = System.nanoTime();
    Result result =
        Tree.<Chat>named("R")
            .retry(
                RetryPolicy.tries(2)
                    .retryIf(LlmError::isTransient)
                    .backoff(
                        Backoff.fixed(Duration.ofMillis(10))
                            .withSuggestedDelayCap(Duration.ofMillis(300))))
            .node(node("slow"))
            .build()
            .run(new Chat("q"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.isOk()).isTrue();
    List<RecordedRequest> requests = server.requests("slow");
    assertThat(Duration.between(requests.get(0).received(), requests.get(1).received()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(took).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aTimeoutAroundTheNodeIsTransientSoRetryRetriesIt() {
    server.script(
        "hang", ScriptedReply.text("late").delay(Duration.ofSeconds(10)), ScriptedReply.text("ok"));
    // spotless:off
    Result result = Tree.<Chat>named("R")
        .retry(RetryPolicy.tries(3).retryIf(LlmError::isTransient))
            .timeout(Duration.ofMillis(1500))
                .node(node("hang"))
        .build()
        .run(new Chat("q"));
    // spotless:on
    // the first try times out (its reply is 10 s away) and is retried; the quick reply answers
    assertThat(result.data()).isInstanceOf(LlmReply.class);
    assertThat(((LlmReply) result.data()).text()).isEqualTo("ok");
    assertThat(server.requests("hang").getFirst().clientClosed()).isTrue();
    assertThat(server.requests("hang").size()).isBetween(2, 3);
    assertThat(LlmError.isTransient(new TimeoutException("timed out"))).isTrue();
    assertThat(LlmError.isTransient(new LlmError(Category.AUTH, 401, "no", "m", null))).isFalse();
    assertThat(LlmError.isTransient("something else")).isFalse();
  }
}
