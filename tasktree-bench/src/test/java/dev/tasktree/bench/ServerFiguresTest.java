package dev.tasktree.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerFiguresTest {

  @Test
  void generatedTraceFilesAreReadableTracesWithDistinctIdsAndStartTimes(@TempDir Path dir)
      throws Exception {
    ServerFigures.writeMany(dir, 30);

    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.sorted().toList();
    }
    assertThat(files).hasSize(30);
    List<Trace> traces = new ArrayList<>();
    for (Path file : files) {
      String id = file.getFileName().toString().replace(".jsonl", "");
      assertThat(TraceIds.isValid(id)).as(id).isTrue();
      traces.add(new TraceReader().read(file));
    }
    assertThat(traces).allSatisfy(t -> assertThat(t.summary().corruptLines()).isZero());
    assertThat(traces).allSatisfy(t -> assertThat(t.summary().spanCount()).isGreaterThan(4));
    assertThat(traces.stream().map(t -> t.summary().start()).distinct()).hasSize(30);
    assertThat(traces.stream().map(t -> t.summary().name()).distinct())
        .containsExactlyInAnyOrder("support triage", "summarise ticket", "answer question");
    // Every tenth item fails, so the list has failures to filter on.
    assertThat(traces.stream().filter(t -> t.summary().status() == Status.FAIL)).hasSize(3);
  }
}
