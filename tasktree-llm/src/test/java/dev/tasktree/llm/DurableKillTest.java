package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.FileJournal;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.ChildJvm;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable-run headline test: a child JVM runs 10 sequential LLM calls and a Gather of 20 LLM
 * calls against the scripted server on loopback with a file journal, and is killed with -9 mid-way
 * (after a number of calls counted at the server); a fresh child JVM resumes the run. The server
 * must receive exactly the calls whose checkpoints were not journaled, once each; the result and
 * blackboard must equal an uninterrupted run's; the resumed run's trace file must show the
 * journaled calls as replayed spans.
 */
class DurableKillTest {

  private static final int SEQUENTIAL = 10;
  private static final int GATHERED = 20;

  /** The run's blackboard: the sequential answers in order, then the gathered ones. */
  static final class Flow {
    final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    volatile List<String> gathered = List.of();

    List<Message> messages() {
      return List.of(Message.user("step " + answers.size()));
    }

    void add(String answer) {
      answers.add(answer);
    }

    String describe() {
      return answers + " | " + gathered;
    }
  }

  /** The tree: s0..s9 one after another, then g0..g19 through a Gather of four at a time. */
  static Tree<Flow> tree(LlmProvider provider) {
    Tree<Integer> perItem =
        Tree.<Integer>named("Item")
            .node(
                Llm.chat(
                        (Integer i) -> LlmModel.of(provider, "g" + i),
                        (Integer i) -> List.of(Message.user("item " + i)))
                    .named("g"))
            .build();
    TreeBuilder<Flow> b = Tree.<Flow>named("Durable").sequence();
    for (int i = 0; i < SEQUENTIAL; i++) {
      b.node(Llm.chat(LlmModel.of(provider, "s" + i), Flow::messages).named("s" + i))
          .writeBlackboard(LlmReply.text(Flow::add));
    }
    return b.gather(f -> IntStream.range(0, GATHERED).boxed().toList(), perItem, 4)
        .writeBlackboard(
            (Flow f, List<?> replies) ->
                f.gathered = replies.stream().map(r -> ((LlmReply) r).text()).toList())
        .end()
        .build();
  }

  /** The child: {@code baseUrl journalDir traceDir run|resume [runId]}. */
  public static void main(String[] args) throws Exception {
    try (LlmProvider provider = LlmProvider.builder("local").baseUrl(args[0]).apiKey("k").build()) {
      FileJournal journal = FileJournal.open(Path.of(args[1]));
      RunOptions options =
          RunOptions.defaults().withJournal(journal).withTraceDir(Path.of(args[2]));
      Flow flow = new Flow();
      Tree<Flow> tree = tree(provider);
      System.out.println("STARTED");
      Result result =
          args[3].equals("run") ? tree.run(flow, options) : tree.resume(args[4], flow, options);
      System.out.println("BLACKBOARD " + flow.describe());
      System.out.println("RESULT " + (result.isOk() ? "OK" : "FAIL " + result.data()));
    }
  }

  @TempDir Path dir;
  private ScriptedLlmServer server;
  private Path journalDir;
  private Path traceDir;

  @BeforeEach
  void start() {
    server = ScriptedLlmServer.start();
    for (String model : allModels()) {
      server.script(
          model,
          ScriptedReply.text("answer " + model)
              .delay(Duration.ofMillis(model.startsWith("s") ? 80 : 150)));
    }
    journalDir = dir.resolve("journal");
    traceDir = dir.resolve("traces");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Set<String> allModels() {
    Set<String> all = new TreeSet<>();
    IntStream.range(0, SEQUENTIAL).forEach(i -> all.add("s" + i));
    IntStream.range(0, GATHERED).forEach(i -> all.add("g" + i));
    return all;
  }

  /** What an uninterrupted run leaves on its blackboard (on a server of its own). */
  private static String uninterrupted() {
    try (ScriptedLlmServer reference = ScriptedLlmServer.start()) {
      for (String model : allModels()) {
        reference.script(model, ScriptedReply.text("answer " + model));
      }
      try (LlmProvider provider =
          LlmProvider.builder("local").baseUrl(reference.baseUrl()).apiKey("k").build()) {
        Flow flow = new Flow();
        assertThat(tree(provider).run(flow).isOk()).isTrue();
        return flow.describe();
      }
    }
  }

  private static final Pattern ITEM = Pattern.compile("Item\\[(\\d+)]");
  private static final Pattern STEP = Pattern.compile("> (s\\d+)\\[\\d+] \\| model");

  /** The models whose call is journaled in run {@code runId}. */
  private Set<String> journaledModels(String runId) {
    try (FileJournal journal = FileJournal.open(journalDir)) {
      Set<String> models = new TreeSet<>();
      for (Checkpoint c : journal.read(runId).orElseThrow().checkpoints()) {
        Matcher item = ITEM.matcher(c.key());
        Matcher step = STEP.matcher(c.key());
        if (item.find()) {
          models.add("g" + item.group(1));
        } else if (step.find()) {
          models.add(step.group(1));
        } else {
          throw new AssertionError("unexpected checkpoint key " + c.key());
        }
      }
      return models;
    }
  }

  private String onlyResumableRun() {
    try (FileJournal journal = FileJournal.open(journalDir)) {
      List<String> runs = journal.resumable();
      assertThat(runs).hasSize(1);
      return runs.getFirst();
    }
  }

  private Map<String, Integer> requestCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (RecordedRequest r : server.requests()) {
      counts.merge(r.model(), 1, Integer::sum);
    }
    return counts;
  }

  private static Map<String, Integer> minus(
      Map<String, Integer> after, Map<String, Integer> before) {
    Map<String, Integer> delta = new TreeMap<>();
    after.forEach(
        (model, n) -> {
          int d = n - before.getOrDefault(model, 0);
          if (d != 0) {
            delta.put(model, d);
          }
        });
    return delta;
  }

  private ChildJvm child(String... args) {
    List<String> all =
        new ArrayList<>(List.of(server.baseUrl(), journalDir.toString(), traceDir.toString()));
    all.addAll(List.of(args));
    return ChildJvm.start(DurableKillTest.class, all.toArray(String[]::new));
  }

  /** Starts a child and kills it with -9 once the server has counted {@code requests} in all. */
  private void runAndKillAfter(int requests, String... args) throws Exception {
    try (ChildJvm child = child(args)) {
      child.awaitLine("STARTED", Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> server.requests().size() >= requests);
      child.killHard();
    }
  }

  /** Resumes {@code runId} in a fresh child to the end; returns its BLACKBOARD and RESULT lines. */
  private List<String> resumeToTheEnd(String runId) throws Exception {
    try (ChildJvm child = child("resume", runId)) {
      assertThat(child.awaitExit(Duration.ofSeconds(120))).as(child.output()).isZero();
      return List.of(
          child.awaitLine("BLACKBOARD ", Duration.ofSeconds(1)).substring(11),
          child.awaitLine("RESULT ", Duration.ofSeconds(1)).substring(7));
    }
  }

  /** Spans marked replayed in the trace files of resumed runs. */
  private long replayedSpansInTraceFiles() throws IOException {
    long replayed = 0;
    try (Stream<Path> files = Files.list(traceDir)) {
      for (Path file : files.toList()) {
        if (!Files.isRegularFile(file) || !file.toString().endsWith(".jsonl")) {
          continue;
        }
        Trace trace = new TraceReader().read(file);
        replayed +=
            trace
                .spans()
                .filter(s -> s.attribute(Attributes.REPLAYED) != null)
                .filter(s -> s.attribute(Attributes.REPLAYED).asBoolean())
                .count();
      }
    }
    return replayed;
  }

  @Test
  void aRunKilledMidwayResumesInAFreshJvmSendingExactlyTheCallsThatHadNotCompleted()
      throws Exception {
    String expected = uninterrupted();

    runAndKillAfter(SEQUENTIAL + 5, "run");
    Map<String, Integer> beforeResume = requestCounts();
    String runId = onlyResumableRun();
    Set<String> journaled = journaledModels(runId);

    List<String> resumed = resumeToTheEnd(runId);
    Map<String, Integer> sentByResume = minus(requestCounts(), beforeResume);

    Set<String> notCompleted = new TreeSet<>(allModels());
    notCompleted.removeAll(journaled);
    System.out.println(
        "DURABLE kill -9 after "
            + beforeResume.values().stream().mapToInt(Integer::intValue).sum()
            + " calls received by the server; "
            + journaled.size()
            + " journaled "
            + journaled
            + "; the resume sent "
            + sentByResume.values().stream().mapToInt(Integer::intValue).sum()
            + " calls "
            + sentByResume.keySet()
            + "; total 30 calls, in-flight at the kill and sent twice: "
            + beforeResume.keySet().stream().filter(m -> !journaled.contains(m)).toList());
    assertThat(journaled).as("the kill came mid-way").isNotEmpty().hasSizeLessThan(30);
    assertThat(sentByResume.keySet()).as("exactly the calls not completed").isEqualTo(notCompleted);
    assertThat(sentByResume.values()).as("each once").allMatch(n -> n == 1);
    assertThat(resumed.get(1)).isEqualTo("OK");
    assertThat(resumed.get(0)).isEqualTo(expected);
    assertThat(replayedSpansInTraceFiles()).isEqualTo(journaled.size());
    try (FileJournal journal = FileJournal.open(journalDir)) {
      assertThat(journal.resumable()).isEmpty();
      assertThat(journal.read(runId).orElseThrow().endStatus()).contains("OK");
    }
  }

  @Test
  void aResumeKilledWithMinus9ResumesAgainFromWhereItGot() throws Exception {
    String expected = uninterrupted();

    runAndKillAfter(6, "run");
    String runId = onlyResumableRun();
    Set<String> journaledFirst = journaledModels(runId);
    Map<String, Integer> beforeFirstResume = requestCounts();

    runAndKillAfter(
        beforeFirstResume.values().stream().mapToInt(Integer::intValue).sum() + 10,
        "resume",
        runId);
    Map<String, Integer> sentByFirstResume = minus(requestCounts(), beforeFirstResume);
    assertThat(onlyResumableRun()).isEqualTo(runId);
    Set<String> journaledSecond = journaledModels(runId);
    Map<String, Integer> beforeSecondResume = requestCounts();

    List<String> resumed = resumeToTheEnd(runId);
    Map<String, Integer> sentBySecondResume = minus(requestCounts(), beforeSecondResume);

    System.out.println(
        "DURABLE twice: journaled after the first kill "
            + journaledFirst.size()
            + ", the killed resume sent "
            + sentByFirstResume.keySet()
            + ", journaled after the second kill "
            + journaledSecond.size()
            + ", the last resume sent "
            + sentBySecondResume.keySet());
    assertThat(journaledSecond)
        .containsAll(journaledFirst)
        .hasSizeGreaterThan(journaledFirst.size());
    assertThat(sentByFirstResume.keySet())
        .as("the first resume sent nothing journaled")
        .doesNotContainAnyElementsOf(journaledFirst);
    Set<String> notCompleted = new TreeSet<>(allModels());
    notCompleted.removeAll(journaledSecond);
    assertThat(sentBySecondResume.keySet()).isEqualTo(notCompleted);
    assertThat(resumed).containsExactly(expected, "OK");
  }
}
