package dev.tasktree.redis;

import static dev.tasktree.redis.DurableChild.ITEMS;
import static dev.tasktree.redis.DurableChild.STEPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.store.JournalRecord;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.ChildJvm;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable run on the Redis journal across two JVMs: {@link DurableChild} starts it in one child
 * JVM, which is killed with SIGKILL while five Gather calls hang in flight; a fresh child JVM
 * resumes it from Redis. The scripted server (in this JVM, so it counts both children's calls) must
 * then receive exactly the calls that had not completed, and the result and blackboard must be
 * those of an uninterrupted run.
 */
class DurableCrossProcessTest {

  private static final Duration JVM_START = Duration.ofSeconds(90);

  /** The calls that hang while the first child is killed: items 10..14 (five in flight). */
  private static final int COMPLETED_ITEMS = 10;

  @TempDir Path dir;
  private String url;
  private String prefix;
  private RedisStore store;
  private final List<ScriptedLlmServer> servers = new ArrayList<>();
  private final List<ChildJvm> children = new ArrayList<>();

  @BeforeEach
  void start() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    store = RedisStore.builder(url).keyPrefix(prefix).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ChildJvm child : children) {
      child.close();
    }
    servers.forEach(ScriptedLlmServer::close);
    if (store == null) {
      return;
    }
    store.close();
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      raw.deleteAll(prefix);
    }
  }

  private ScriptedLlmServer server(Duration hangFromItem10) {
    ScriptedLlmServer server = ScriptedLlmServer.start();
    servers.add(server);
    script(server, hangFromItem10);
    return server;
  }

  /** Step i answers "answer i", item k "item answer k"; items from 10 on after {@code delay}. */
  private static void script(ScriptedLlmServer server, Duration delay) {
    for (int i = 0; i < STEPS; i++) {
      server.script("step-" + i, ScriptedReply.text("answer " + i).usage(10, 2));
    }
    for (int k = 0; k < ITEMS; k++) {
      ScriptedReply reply = ScriptedReply.text("item answer " + k).usage(5, 3);
      server.script("item-" + k, k >= COMPLETED_ITEMS ? reply.delay(delay) : reply);
    }
  }

  private ChildJvm child(String mode, String prefix, ScriptedLlmServer server, Path traces) {
    ChildJvm child =
        ChildJvm.start(DurableChild.class, mode, url, prefix, server.baseUrl(), traces.toString());
    children.add(child);
    return child;
  }

  /** The RESULT and BOARD lines of a child that ran to its end. */
  private static List<String> outcome(ChildJvm child) throws InterruptedException {
    List<String> lines =
        List.of(
            child.awaitLine("RESULT ", Duration.ofSeconds(120)),
            child.awaitLine("BOARD ", Duration.ofSeconds(10)));
    assertThat(child.awaitExit(Duration.ofSeconds(30))).as(child.output()).isZero();
    return lines;
  }

  private static Map<String, Long> callsPerModel(ScriptedLlmServer server) {
    Map<String, Long> calls = new LinkedHashMap<>();
    for (RecordedRequest request : server.requests()) {
      calls.merge(request.model(), 1L, Long::sum);
    }
    return calls;
  }

  @Test
  void aRunKilledInOneJvmResumesInAnotherCallingOnlyWhatHadNotCompleted() throws Exception {
    // the uninterrupted run, for comparison (its own server and journal prefix)
    ScriptedLlmServer quiet = server(Duration.ZERO);
    List<String> uninterrupted =
        outcome(child("run", prefix + "baseline:", quiet, Files.createDirectory(dir.resolve("a"))));
    assertThat(uninterrupted.getFirst()).isEqualTo("RESULT true 10 steps, 20 items");
    assertThat(quiet.requests()).hasSize(STEPS + ITEMS);

    // the run that is killed: items 10.. hang, so 10 steps + 10 items are journaled, 5 in flight
    ScriptedLlmServer server = server(Duration.ofMinutes(5));
    Path traces = Files.createDirectory(dir.resolve("b"));
    ChildJvm first = child("run", prefix, server, traces);
    first.awaitLine("STARTED", JVM_START);
    RedisJournal journal = store.journal();
    await("10 steps and 10 items journaled, items 10..14 in flight")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                journal.resumable().size() == 1
                    && journal
                            .read(journal.resumable().getFirst())
                            .orElseThrow()
                            .checkpoints()
                            .size()
                        == STEPS + COMPLETED_ITEMS
                    && server.requests().size() == STEPS + COMPLETED_ITEMS + 5);
    first.killHard();
    String runId = journal.resumable().getFirst();
    JournalRecord atKill = journal.read(runId).orElseThrow();
    Map<String, Long> before = callsPerModel(server);
    System.out.printf(
        "durable: killed with %d checkpoints journaled; calls before resume %s%n",
        atKill.checkpoints().size(), before);
    assertThat(atKill.endStatus()).isEmpty();
    // the five hanging calls were cut by the kill (the server sees their sockets close)
    await("the kill closes the five hanging calls")
        .atMost(Duration.ofSeconds(30))
        .until(() -> server.requests().stream().filter(RecordedRequest::clientClosed).count() == 5);

    // a fresh JVM resumes it; the provider answers at once now
    script(server, Duration.ZERO);
    ChildJvm second = child("resume", prefix, server, traces);
    assertThat(second.awaitLine("RESUMING ", JVM_START)).isEqualTo("RESUMING " + runId);
    List<String> resumed = outcome(second);
    Map<String, Long> after = callsPerModel(server);
    System.out.printf("durable: calls after resume %s%n", after);

    // exactly the calls that had not completed: items 10..19 once more, nothing else
    Map<String, Long> added = new LinkedHashMap<>();
    after.forEach((model, n) -> added.put(model, n - before.getOrDefault(model, 0L)));
    Map<String, Long> expected = new LinkedHashMap<>();
    for (int i = 0; i < STEPS; i++) {
      expected.put("step-" + i, 0L);
    }
    for (int k = 0; k < ITEMS; k++) {
      expected.put("item-" + k, k < COMPLETED_ITEMS ? 0L : 1L);
    }
    assertThat(added).containsExactlyInAnyOrderEntriesOf(expected);
    // the same result and blackboard as the run that was never interrupted
    assertThat(resumed).isEqualTo(uninterrupted);
    // the journal says it ended and no longer lists it
    assertThat(journal.read(runId).orElseThrow().endStatus()).contains("OK");
    assertThat(journal.resumable()).isEmpty();
    // and the resumed run's trace marks the twenty journaled calls as replayed
    assertThat(replayedSpans(traces)).hasSize(STEPS + COMPLETED_ITEMS);
  }

  private static List<Span> replayedSpans(Path traces) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(traces)) {
      files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
    }
    assertThat(files).hasSize(2); // the killed run's partial trace and the resumed run's
    List<Span> replayed = new ArrayList<>();
    for (Path file : files) {
      Trace trace = new TraceReader().read(file);
      trace
          .spans()
          .filter(s -> s.attribute(Attributes.REPLAYED) != null)
          .filter(s -> s.attribute(Attributes.REPLAYED).asBoolean())
          .forEach(replayed::add);
    }
    return replayed;
  }
}
