package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.store.DyingJournal;
import dev.tasktree.store.FileJournal;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model calls and tool calls are checkpoints of a durable run: a resume replays the journaled ones
 * (the scripted server does not see them again, a tool does not run again) and sends the rest; a
 * journaled model failure is replayed as the same {@link LlmError}, so a Retry resumes at its try.
 */
class DurableLlmTest extends ScriptedServerTest {

  @TempDir Path dir;

  /** Counts its calls. */
  static final class Inventory {
    final AtomicInteger calls = new AtomicInteger();

    @Tool("Items in stock")
    String stock(String item) {
      calls.incrementAndGet();
      return item + ": 7";
    }
  }

  private static List<Span> replayed(InMemoryTraceSink sink) {
    return sink.last().spans().filter(s -> s.attribute(Attributes.REPLAYED) != null).toList();
  }

  @Test
  void toolCallsAreCheckpointsAndAResumeDoesNotRunThemAgain() {
    server.script(
        "t",
        ScriptedReply.toolCalls(ScriptedReply.call("stock", "{\"item\":\"bolts\"}")),
        ScriptedReply.text("7 bolts in stock"));
    Inventory inventory = new Inventory();
    Tree<Chat> tree =
        Tree.<Chat>named("Stock")
            .node(Llm.chat(LlmModel.of(provider, "t"), Chat::messages).tools(inventory))
            .build();
    FileJournal journal = FileJournal.open(dir);
    // the process "dies" after the first model call and the tool call were journaled
    tree.run(new Chat("bolts?"), RunOptions.defaults().withJournal(new DyingJournal(journal, 2)));
    assertThat(server.requests("t")).hasSize(2);
    assertThat(inventory.calls).hasValue(1);

    InMemoryTraceSink sink = new InMemoryTraceSink();
    Result resumed =
        tree.resume(
            journal.resumable().getFirst(),
            new Chat("bolts?"),
            RunOptions.defaults().withJournal(journal).withTraceSink(sink));

    assertThat(resumed.isOk()).as(String.valueOf(resumed)).isTrue();
    LlmReply reply = (LlmReply) resumed.data();
    assertThat(reply.text()).isEqualTo("7 bolts in stock");
    assertThat(reply.toolExecutions())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.result()).isEqualTo("bolts: 7");
              assertThat(t.call().name()).isEqualTo("stock");
            });
    assertThat(inventory.calls).as("the tool did not run again").hasValue(1);
    assertThat(server.requests("t")).as("only the second model call was sent again").hasSize(3);
    assertThat(server.requests("t").get(2).body().toString()).contains("bolts: 7");
    assertThat(replayed(sink)).extracting(Span::kind).containsExactlyInAnyOrder("Llm", "Tool");
  }

  @Test
  void aJournaledModelFailureReplaysAsTheSameLlmErrorSoARetryResumesAtItsTry() {
    server.script(
        "r",
        ScriptedReply.error(503, "busy"),
        ScriptedReply.error(500, "still busy"),
        ScriptedReply.text("finally"));
    Tree<Chat> tree =
        Tree.<Chat>named("Retrying")
            .retry(RetryPolicy.tries(4).retryIf(LlmError::isTransient))
            .node(Llm.chat(LlmModel.of(provider, "r"), Chat::messages))
            .build();
    FileJournal journal = FileJournal.open(dir);
    tree.run(new Chat("q"), RunOptions.defaults().withJournal(new DyingJournal(journal, 2)));
    assertThat(server.requests("r")).hasSize(3);

    InMemoryTraceSink sink = new InMemoryTraceSink();
    Result resumed =
        tree.resume(
            journal.resumable().getFirst(),
            new Chat("q"),
            RunOptions.defaults().withJournal(journal).withTraceSink(sink));

    assertThat(resumed.isOk()).as(String.valueOf(resumed)).isTrue();
    assertThat(((LlmReply) resumed.data()).text()).isEqualTo("finally");
    assertThat(server.requests("r")).as("tries 1 and 2 replayed, try 3 sent").hasSize(4);
    List<Span> replayed = replayed(sink);
    assertThat(replayed).hasSize(2);
    assertThat(replayed.getFirst().data().path("category").asText()).isEqualTo("server_error");
    assertThat(replayed.getFirst().data().path("status").asInt()).isEqualTo(503);
  }
}
