package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.store.JournalHeader;
import dev.tasktree.store.Signal;
import dev.tasktree.trace.InMemoryTraceSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/redis.md} true: its Java blocks are the compiled regions of {@link
 * RedisDocSnippets}, the snippets do what the page says against a real Redis, and the page's {@code
 * redis-cli} commands, run for real, stop a run.
 */
class RedisDocsTest {

  private static final Path PAGE = Path.of("..", "docs", "redis.md");
  private static final Pattern DOC_BLOCK =
      Pattern.compile("(<!-- snippet: ([\\w-]+) -->\\s*)?```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SOURCE_REGION =
      Pattern.compile("// snippet:([\\w-]+)\\n(.*?)\\n\\s*// end-snippet", Pattern.DOTALL);

  private String url;
  private TestRedis.Raw raw;
  private RedisStore redis;

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    raw = new TestRedis.Raw(url);
  }

  @AfterEach
  void cleanUp() {
    if (redis != null) {
      redis.close();
    }
    if (raw != null) { // null when connect() skipped the test: no Redis
      raw.deleteAll("myapp:");
      raw.close();
    }
  }

  @Test
  void everyJavaBlockOfThePageIsCompiledCode() throws IOException {
    Map<String, String> regions = new HashMap<>();
    Matcher source =
        SOURCE_REGION.matcher(
            Files.readString(Path.of("src/test/java/dev/tasktree/redis/RedisDocSnippets.java")));
    while (source.find()) {
      regions.put(source.group(1), source.group(2));
    }
    Matcher block = DOC_BLOCK.matcher(Files.readString(PAGE));
    List<String> checked = new ArrayList<>();
    while (block.find()) {
      String where = "docs/redis.md block at offset " + block.start();
      assertThat(block.group(2)).as(where + " needs a <!-- snippet: NAME --> marker").isNotNull();
      assertThat(regions).as(where).containsKey(block.group(2));
      assertThat(normalize(block.group(3)))
          .as(where)
          .isEqualTo(normalize(regions.get(block.group(2))));
      checked.add(block.group(2));
    }
    assertThat(checked).containsExactlyInAnyOrderElementsOf(regions.keySet());
  }

  private static String normalize(String code) {
    return code.replaceAll("\\s+", " ").strip();
  }

  @Test
  void theSnippetsDoWhatThePageSays() {
    redis = RedisDocSnippets.open(url);
    assertThat(redis.keyPrefix()).isEqualTo("myapp:");
    RedisDocSnippets.sharedClient(url);

    var question = new RedisDocSnippets.Question("1", "what is a behavior tree?");
    var options = RunOptions.defaults().withCacheStore(redis);
    int before = RedisDocSnippets.MODEL_CALLS.get();
    assertThat(RedisDocSnippets.ANSWER.run(question, options))
        .isEqualTo(Result.ok("answer to what is a behavior tree?"));
    assertThat(RedisDocSnippets.ANSWER.run(question, options))
        .isEqualTo(Result.ok("answer to what is a behavior tree?"));
    assertThat(RedisDocSnippets.MODEL_CALLS.get()).isEqualTo(before + 1);
    String key = "myapp:cache:what is a behavior tree?";
    assertThat(raw.redis.pttl(key))
        .isBetween(Duration.ofMinutes(49).toMillis(), Duration.ofMinutes(70).toMillis());
    assertThat(raw.redis.get(key)).contains("\"validator\":\"2026-03\"");

    Optional<Signal> signal = RedisDocSnippets.raiseCheckClear(redis);
    assertThat(signal).map(Signal::reason).contains("user pressed stop");
    assertThat(redis.check("job-42")).isEmpty();

    redis.raise("job-42", "raised before the run", Duration.ofMinutes(1));
    assertThat(RedisDocSnippets.runStoppable(redis, new RedisDocSnippets.Question("42", "x")))
        .isEqualTo(Result.ok("stopped"));
  }

  @Test
  void theRedisCliCommandsOfThePageStopARun() throws Exception {
    redis = RedisStore.builder(url).keyPrefix("myapp:").build();
    var handle =
        CompletableFuture.supplyAsync(
            () ->
                RedisDocSnippets.STOPPABLE.run(
                    new RedisDocSnippets.Question("42", "x"),
                    RunOptions.defaults()
                        .withSignalStore(redis)
                        .withTraceSink(new InMemoryTraceSink())));
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.watchedKeys() == 1);

    // the page's command, with this test's prefix and server
    redisCli("SET", "myapp:signal:job-42", "user pressed stop", "PX", "600000");
    assertThat(handle.get(10, TimeUnit.SECONDS)).isEqualTo(Result.ok("stopped"));
    assertThat(redisCli("GET", "myapp:signal:job-42")).isEqualTo("user pressed stop");
    assertThat(redis.check("job-42")).map(Signal::reason).contains("user pressed stop");
    redisCli("DEL", "myapp:signal:job-42");
    assertThat(redis.check("job-42")).isEmpty();
    assertThat(redisCli("--scan", "--pattern", "myapp:signal:*")).isEmpty();
  }

  @Test
  void aPublishFromRedisCliStopsARunAtOnce() throws Exception {
    // no polling within the test's time: only the PUBLISH can reach the watcher
    redis = RedisStore.builder(url).keyPrefix("myapp:").pollInterval(Duration.ofHours(1)).build();
    var listener = new RedisSignalTest.Recorder();
    redis.subscribe("job-43", listener);

    redisCli("PUBLISH", "myapp:signal:job-43", "user pressed stop");

    await().atMost(Duration.ofSeconds(5)).until(() -> !listener.signals.isEmpty());
    assertThat(listener.signals.getFirst().reason()).isEqualTo("user pressed stop");
    // announced, not remembered
    assertThat(redis.check("job-43")).isEmpty();
  }

  @Test
  void theJournalSnippetKeepsUnfinishedRunsAndExpiresEndedOnesAfterItsTtl() throws Exception {
    redis = RedisDocSnippets.openWithJournal(url);
    RedisJournal journal = redis.journal();
    String run = "docs-" + java.util.UUID.randomUUID();
    try {
      journal.begin(new JournalHeader(run, "Answer", "f", "{}", Instant.now()));
      assertThat(journal.resumable()).contains(run);
      // the page's redis-cli command lists it too
      assertThat(redisCli("ZRANGE", "tasktree:journal:resumable", "0", "-1").lines()).contains(run);
      assertThat(raw.redis.pttl("tasktree:journal:" + run + ":header")).isEqualTo(-1L);

      journal.end(run, "OK");

      assertThat(journal.resumable()).doesNotContain(run);
      assertThat(raw.redis.pttl("tasktree:journal:" + run + ":header"))
          .isBetween(Duration.ofDays(6).toMillis(), Duration.ofDays(7).toMillis());
    } finally {
      journal.delete(run);
    }
  }

  private String redisCli(String... args) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/bin/redis-cli")) && !onPath("redis-cli")) {
      TestRedis.missing("no redis-cli on PATH (apt-get install redis-tools)");
    }
    List<String> command = new ArrayList<>(List.of("redis-cli", "-u", url));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("redis-cli " + String.join(" ", args) + ": " + out).isZero();
    return out.strip();
  }

  private static boolean onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }
}
