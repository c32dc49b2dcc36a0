package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.store.FileJournal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snippets of docs/durable.md do what the page says. */
class DurableSnippetsTest {

  @Test
  void theDurableSnippetsRunJournaledAndEndTheirRuns(@TempDir Path dir) {
    DurableSnippets.Order order = new DurableSnippets.Order("o-1");
    Result result = DurableSnippets.runAndResume(dir, order);
    assertThat(result.isOk()).isTrue();
    assertThat(order.report()).isEqualTo(new DurableSnippets.Report("report for o-1", 3));
    FileJournal journal = FileJournal.open(dir);
    assertThat(journal.resumable()).isEmpty();

    Result charged = DurableSnippets.CHARGE.run(order, RunOptions.defaults().withJournal(journal));
    assertThat(charged.data()).isEqualTo("receipt-o-1");
  }
}
