package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.trace.JsonlTraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the docs true: every Java block in README.md and docs/*.md that follows a {@code <!--
 * snippet: NAME -->} marker must equal (ignoring whitespace) the {@code snippet:NAME} region of a
 * compiled source here, and every Java block must carry such a marker.
 */
class SnippetsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Pages whose examples another module's DocsExamplesTest compiles and runs instead. */
  private static final java.util.Set<String> CHECKED_ELSEWHERE =
      java.util.Set.of("llm.md", "trace-server.md", "redis.md");

  private static final Pattern DOC_BLOCK =
      Pattern.compile("(<!-- snippet: ([\\w-]+) -->\\s*)?```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SOURCE_REGION =
      Pattern.compile("// snippet:([\\w-]+)\\n(.*?)\\n\\s*// end-snippet", Pattern.DOTALL);

  @Test
  void everyJavaBlockInTheDocsIsCompiledCode() throws IOException {
    Map<String, String> regions = new HashMap<>();
    try (Stream<Path> sources = Files.walk(ROOT.resolve("tasktree-examples/src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = SOURCE_REGION.matcher(Files.readString(source));
        while (m.find()) {
          regions.put(m.group(1), m.group(2));
        }
      }
    }
    List<Path> docs;
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      docs =
          Stream.concat(
                  Stream.of(ROOT.resolve("README.md")),
                  files
                      .filter(p -> p.toString().endsWith(".md"))
                      .filter(p -> !CHECKED_ELSEWHERE.contains(p.getFileName().toString())))
              .toList();
    }
    int checked = 0;
    for (Path doc : docs) {
      Matcher m = DOC_BLOCK.matcher(Files.readString(doc));
      while (m.find()) {
        String where = ROOT.relativize(doc) + " block at offset " + m.start();
        assertThat(m.group(2)).as(where + " needs a <!-- snippet: NAME --> marker").isNotNull();
        assertThat(regions)
            .as(where + ": no source region '" + m.group(2) + "'")
            .containsKey(m.group(2));
        assertThat(normalize(m.group(3))).as(where).isEqualTo(normalize(regions.get(m.group(2))));
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }

  private static String normalize(String code) {
    return code.replaceAll("\\s+", " ").strip();
  }

  @Test
  void theSnippetsDoWhatTheDocsSay(@TempDir Path dir) throws Exception {
    DocSnippets.Job job =
        new DocSnippets.Job("j", List.of("a long first document to summarise", "short"));
    assertThat(DocSnippets.SUMMARISE.run(job, RunOptions.defaults()).isOk()).isTrue();
    assertThat(job.summary()).isEqualTo("a long first documen…\nshort");

    RunOptions options =
        RunOptions.defaults()
            .withCacheStore(new InMemoryCacheStore())
            .withSignalStore(DocSnippets.SIGNALS);
    DocSnippets.Job other = new DocSnippets.Job("job-9", List.of());
    assertThat(DocSnippets.CACHED_AND_STOPPABLE.run(other, options))
        .isEqualTo(Result.ok(List.of("hit for job-9")));
    DocSnippets.stopJob("job-9");
    assertThat(DocSnippets.CACHED_AND_STOPPABLE.run(other, options))
        .isEqualTo(Result.ok(List.of()));

    Tree<DocSnippets.Job> timed =
        Tree.<DocSnippets.Job>named("Timed")
            .wrap(DocSnippets.TIMED)
            .node(new DocSnippets.Search())
            .build();
    assertThat(timed.run(other, RunOptions.defaults()).isOk()).isTrue();

    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(1))) {
      var handle =
          DocSnippets.SUMMARISE.start(
              new DocSnippets.Job("k", List.of("x")), RunOptions.defaults().withTraceSink(writer));
      handle.await();
      writer.flush(Duration.ofSeconds(5));
      assertThat(DocSnippets.countFailures(writer.file(handle.traceId()))).isZero();
    }
  }

  @Test
  void theRunSnippetCancels() throws Exception {
    Result result = DocSnippets.runOptions();
    // Either the cancel arrived while the second run was going, or that run had already finished.
    assertThat(result.data())
        .satisfiesAnyOf(
            data -> assertThat(data).isInstanceOf(CancellationException.class),
            data -> assertThat(data).isEqualTo("first document\nsecond document"));
    // the background writer creates the directory with the first line it writes
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> Files.isDirectory(Path.of(".traces")));
  }
}
