package dev.tasktree.redis;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import dev.tasktree.llm.LlmReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A process of {@link DurableCrossProcessTest}: runs (or resumes) a durable tree of {@value #STEPS}
 * sequential LLM calls and a Gather of {@value #ITEMS} LLM calls against the test's scripted
 * server, journaled in Redis, and prints what it did, one fact a line:
 *
 * <ul>
 *   <li>{@code run URL PREFIX BASE_URL TRACE_DIR}: prints {@code STARTED}, runs the tree, then
 *       {@code RESULT <ok> <result data>} and {@code BOARD <blackboard>};
 *   <li>{@code resume URL PREFIX BASE_URL TRACE_DIR}: finds the one resumable run in the journal,
 *       prints {@code RESUMING <run id>}, resumes it, then the same two lines.
 * </ul>
 *
 * Step {@code i} calls model {@code step-i}, item {@code k} model {@code item-k}, so the server's
 * per-model counts say exactly which calls were made, whatever order the Gather ran them in.
 */
public final class DurableChild {

  static final int STEPS = 10;
  static final int ITEMS = 20;

  private DurableChild() {}

  /** The blackboard: the step answers in order, then the item answers in input order. */
  public static final class Board {
    final List<String> steps = new ArrayList<>();
    List<String> items = List.of();

    void addStep(String text) {
      steps.add(text);
    }

    void setItems(List<LlmReply> replies) {
      items = replies.stream().map(LlmReply::text).toList();
    }

    @Override
    public String toString() {
      return "steps=" + steps + " items=" + items;
    }
  }

  /** One Gather item; also the blackboard of the per-item subtree. */
  public record Item(int index) {}

  /** The tree: ten steps, each seeing the previous answer, then the Gather, then a summary. */
  static Tree<Board> tree(LlmProvider provider) {
    TreeBuilder<Item> perItem = Tree.<Item>named("Item").selector();
    for (int k = 0; k < ITEMS; k++) {
      int index = k;
      perItem.sequence().condition(item -> item.index() == index).node(itemCall(provider, k)).end();
    }
    Tree<Item> item = perItem.end().build();

    TreeBuilder<Board> builder = Tree.<Board>named("Durable").sequence();
    for (int i = 0; i < STEPS; i++) {
      LlmModel model = LlmModel.of(provider, "step-" + i);
      builder
          .node(
              Llm.<Board>prompt(
                  model,
                  "You are step " + i + ".",
                  board -> board.steps.isEmpty() ? "start" : board.steps.getLast()))
          .writeBlackboard(LlmReply.text(Board::addStep));
    }
    return builder
        .gather(board -> IntStream.range(0, ITEMS).mapToObj(Item::new).toList(), item, 5)
        .writeBlackboard(Board::setItems)
        .call(board -> board.steps.size() + " steps, " + board.items.size() + " items")
        .end()
        .build();
  }

  private static dev.tasktree.llm.LlmNode<Item> itemCall(LlmProvider provider, int k) {
    return Llm.prompt(LlmModel.of(provider, "item-" + k), "Summarise item.", "item {{index}}");
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    try (RedisStore store = RedisStore.builder(args[1]).keyPrefix(args[2]).build();
        LlmProvider provider =
            LlmProvider.builder("scripted").baseUrl(args[3]).maxRetries(0).build()) {
      RunOptions options =
          RunOptions.defaults().withJournal(store.journal()).withTraceDir(Path.of(args[4]));
      Tree<Board> tree = tree(provider);
      Board board = new Board();
      Result result;
      if (mode.equals("run")) {
        say("STARTED");
        result = tree.run(board, options);
      } else {
        List<String> resumable = store.journal().resumable();
        if (resumable.size() != 1) {
          throw new IllegalStateException("expected one resumable run, found " + resumable);
        }
        say("RESUMING " + resumable.getFirst());
        result = tree.resume(resumable.getFirst(), board, options);
      }
      say("RESULT " + result.isOk() + " " + result.data());
      say("BOARD " + board);
    }
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
