package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import dev.tasktree.llm.Prices;
import java.nio.file.Path;

/**
 * The LLM step of {@code docs/getting-started.md}: the fallback chain of {@link FallbackChain} on a
 * real endpoint. Run it with {@code OPENAI_API_KEY} set.
 */
public final class GettingStarted {

  private GettingStarted() {}

  public static void main(String[] args) {
    // snippet:getting-started-llm
    try (LlmProvider openai =
        LlmProvider.builder("openai")
            .baseUrl("https://api.openai.com/v1") // or any OpenAI-compatible endpoint
            .apiKeyFromEnv("OPENAI_API_KEY")
            .build()) {
      LlmModel mini = LlmModel.of(openai, "gpt-4o-mini").withPrices(Prices.perMillion(0.15, 0.60));
      LlmModel big = LlmModel.of(openai, "gpt-4o").withPrices(Prices.perMillion(2.50, 10.00));
      Tree<FallbackChain.Question> chain = FallbackChain.tree(mini, big, mini);

      FallbackChain.Question question = new FallbackChain.Question("What is a behavior tree?");
      Result result = chain.run(question, RunOptions.defaults().withTraceDir(Path.of(".traces")));
      System.out.println(result.isOk() ? question.answer() : "failed: " + result.data());
    }
    // end-snippet
  }
}
