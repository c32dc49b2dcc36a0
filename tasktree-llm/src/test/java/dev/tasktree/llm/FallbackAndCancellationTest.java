package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Selector fallbacks, Race and Timeout over real HTTP: cancelled calls close their connection. */
class FallbackAndCancellationTest extends ScriptedServerTest {

  @BeforeAll
  static void warmUp() {
    // Load the SDK's classes once, so that the short deadlines below measure HTTP, not class
    // loading.
    server.script("warm-up", ScriptedReply.text("ready"));
    Tree<Chat> warmUp =
        Tree.<Chat>named("WarmUp")
            .sequence()
            .node(chat("warm-up"))
            .node(chat("warm-up").stream())
            .end()
            .build();
    assertThat(warmUp.run(new Chat("q")).isOk()).isTrue();
  }

  private static LlmNode<Chat> chat(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages);
  }

  @Test
  void fallbackChainTimeoutThenServerErrorThenAnswer() {
    server.script("a", ScriptedReply.text("too late").delay(Duration.ofSeconds(30)));
    server.script("b", ScriptedReply.error(500, "upstream exploded"));
    server.script("c", ScriptedReply.text("C answers"));
    InMemoryTraceSink sink = new InMemoryTraceSink();
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .selector()
            .timeout(Duration.ofMillis(300))
            .node(chat("a"))
            .node(chat("b"))
            .node(chat("c"))
            .end()
            .build();

    Result result = tree.run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    assertThat(result).isInstanceOf(Result.Ok.class);
    assertThat(((LlmReply) result.data()).text()).isEqualTo("C answers");
    assertThat(((LlmReply) result.data()).model()).isEqualTo("c");

    Trace trace = sink.last();
    List<Span> attempts = trace.spansOfKind("Llm");
    assertThat(attempts).extracting(Span::name).containsExactly("a", "b", "c");
    Span a = attempts.get(0);
    assertThat(a.status()).isEqualTo(Status.CANCELLED);
    assertThat(a.attributes().get("gen_ai.request.model").asText()).isEqualTo("a");
    Span b = attempts.get(1);
    assertThat(b.status()).isEqualTo(Status.FAIL);
    assertThat(b.data().path("category").asText()).isEqualTo("server_error");
    assertThat(b.data().path("status").asInt()).isEqualTo(500);
    assertThat(b.data().path("message").asText()).isEqualTo("upstream exploded");
    assertThat(b.attributes().get("error.type").asText()).isEqualTo("server_error");
    assertThat(attempts.get(2).status()).isEqualTo(Status.OK);
    Span timeout = trace.spansOfKind("Timeout").getFirst();
    assertThat(timeout.status()).isEqualTo(Status.FAIL);

    // the timed-out request was aborted: the server saw its connection close
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(() -> server.requests("a").getFirst().clientClosed());
  }

  @Test
  void raceFasterModelWinsAndSlowerRequestIsAbortedServerSide() {
    server.script("fast", ScriptedReply.text("fast wins").delay(Duration.ofMillis(100)));
    server.script("slow", ScriptedReply.text("slow").delay(Duration.ofSeconds(30)));
    Tree<Chat> tree =
        Tree.<Chat>named("Race").race().node(chat("slow")).node(chat("fast")).end().build();

    Result result = tree.run(new Chat("q"));

    assertThat(result.isOk()).isTrue();
    assertThat(((LlmReply) result.data()).text()).isEqualTo("fast wins");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> server.requests("slow").getFirst().outcome(),
            o -> o == RecordedRequest.Outcome.CLIENT_CLOSED);
    assertThat(server.requests("fast").getFirst().outcome())
        .isEqualTo(RecordedRequest.Outcome.COMPLETED);
  }

  @Test
  void timeoutAbortsAStreamMidway() {
    server.script(
        "drip",
        ScriptedReply.text("one two three four five six seven eight nine ten")
            .chunkDelay(Duration.ofMillis(200)));
    Tree<Chat> tree =
        Tree.<Chat>named("Drip")
            .timeout(Duration.ofMillis(700))
            .node(chat("drip").stream())
            .build();

    Result result = tree.run(new Chat("q"));

    assertThat(result.isOk()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(() -> server.requests("drip").getFirst().clientClosed());
  }

  @Test
  void cancellingARunAbortsItsStreamAndTheListenerHearsTheEnd() throws Exception {
    server.script(
        "drip",
        ScriptedReply.text("one two three four five six seven eight nine ten")
            .chunkDelay(Duration.ofMillis(200)));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    Tree<Chat> tree = Tree.<Chat>named("Drip").node(chat("drip").stream(events::add)).build();

    RunHandle handle = tree.start(new Chat("q"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
    handle.cancel();

    assertThat(handle.await().isOk()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.requests("drip").getFirst().clientClosed());
    await().atMost(Duration.ofSeconds(5)).until(() -> events.getLast().done());
    StreamEvent last = events.getLast();
    assertThat(last.error().category()).isEqualTo(LlmError.Category.CANCELLED);
    assertThat(last.textSoFar()).startsWith("one ");
    assertThat(events.stream().filter(StreamEvent::done).count()).isEqualTo(1);
    assertThat(events.stream().filter(e -> !e.done()).count()).isBetween(1L, 9L);
  }

  /** A run of {@code tree} on a platform thread of its own, as a servlet thread would call it. */
  private record PlatformCaller(
      Thread thread, java.util.concurrent.atomic.AtomicReference<Result> result) {
    static PlatformCaller start(Tree<Chat> tree) {
      java.util.concurrent.atomic.AtomicReference<Result> result =
          new java.util.concurrent.atomic.AtomicReference<>();
      return new PlatformCaller(
          Thread.ofPlatform().start(() -> result.set(tree.run(new Chat("q")))), result);
    }

    /** Interrupts the caller and returns its result once it has ended (within 5 s). */
    Result interruptAndAwait() throws InterruptedException {
      thread.interrupt();
      thread.join(Duration.ofSeconds(5));
      assertThat(thread.isAlive()).isFalse();
      return result.get();
    }
  }

  @Test
  void interruptingAPlatformThreadCallerAbortsTheRequest() throws Exception {
    server.script("held", ScriptedReply.text("late").delay(Duration.ofSeconds(30)));
    Tree<Chat> tree = Tree.<Chat>named("Held").node(chat("held")).build();
    PlatformCaller caller = PlatformCaller.start(tree);

    await().atMost(Duration.ofSeconds(5)).until(() -> !server.requests("held").isEmpty());
    assertThat(caller.interruptAndAwait().isOk()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.requests("held").getFirst().clientClosed());
  }

  @Test
  void aPlatformThreadCallerMakesTheCallOnItsOwnThread() {
    server.script("streamed", ScriptedReply.text("one two three").usage(3, 3));
    List<Thread> listenedOn = new CopyOnWriteArrayList<>();
    Tree<Chat> tree =
        Tree.<Chat>named("Own")
            .node(chat("streamed").stream(e -> listenedOn.add(Thread.currentThread())))
            .build();
    PlatformCaller caller = PlatformCaller.start(tree);

    await().atMost(Duration.ofSeconds(10)).until(() -> !caller.thread.isAlive());
    assertThat(caller.result.get().isOk()).isTrue();
    // the stream is read where the request is made: no hand-off to another thread and back
    assertThat(listenedOn).isNotEmpty().allMatch(t -> t == caller.thread);
  }

  @Test
  void interruptingAPlatformThreadCallerMidStreamAbortsTheStream() throws Exception {
    server.script(
        "drip-platform",
        ScriptedReply.text("one two three four five six seven eight nine ten")
            .chunkDelay(Duration.ofMillis(300)));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    Tree<Chat> tree =
        Tree.<Chat>named("DripOnPlatform").node(chat("drip-platform").stream(events::add)).build();
    PlatformCaller caller = PlatformCaller.start(tree);

    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty()); // the body is flowing
    assertThat(caller.interruptAndAwait().isOk()).isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.requests("drip-platform").getFirst().clientClosed());
    assertThat(events.getLast().done()).isTrue();
    assertThat(events.getLast().error().category()).isEqualTo(LlmError.Category.CANCELLED);
  }

  @Test
  void interruptingAPlatformThreadCallerInTheSdksRetryBackOffEndsTheCallAtOnce() throws Exception {
    server.script("flaky", ScriptedReply.error(503, "busy").retryAfter(Duration.ofSeconds(20)));
    try (LlmProvider retrying =
        LlmProvider.builder("retrying").baseUrl(server.baseUrl()).maxRetries(3).build()) {
      Tree<Chat> tree =
          Tree.<Chat>named("Flaky")
              .node(Llm.chat(LlmModel.of(retrying, "flaky"), Chat::messages))
              .build();
      PlatformCaller caller = PlatformCaller.start(tree);

      // the first attempt was answered 503: the SDK now waits the 20 s the server asked for
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  server.requests("flaky").size() == 1
                      && server.requests("flaky").getFirst().outcome()
                          == RecordedRequest.Outcome.COMPLETED);
      assertThat(caller.interruptAndAwait().isOk()).isFalse();
      assertThat(server.requests("flaky")).hasSize(1); // no retry after the interrupt
    }
  }

  @Test
  void providerRequestTimeoutFailsWithCategoryTimeout() {
    server.script("sluggish", ScriptedReply.text("late").delay(Duration.ofSeconds(30)));
    try (LlmProvider impatient =
        LlmProvider.builder("impatient")
            .baseUrl(server.baseUrl())
            .timeout(Duration.ofMillis(300))
            .build()) {
      Result result =
          Tree.<Chat>named("T")
              .node(Llm.chat(LlmModel.of(impatient, "sluggish"), Chat::messages))
              .build()
              .run(new Chat("q"));
      assertThat(result.data()).isInstanceOf(LlmError.class);
      LlmError error = (LlmError) result.data();
      assertThat(error.category()).isEqualTo(LlmError.Category.TIMEOUT);
      assertThat(error.retryable()).isTrue();
    }
  }
}
