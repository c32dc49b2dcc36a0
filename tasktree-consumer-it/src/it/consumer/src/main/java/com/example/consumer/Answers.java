package com.example.consumer;

import dev.tasktree.CachePolicy;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import java.time.Duration;

/** A user's tree: a cached LLM call, with a constant answer when the model cannot be reached. */
public final class Answers {

  private Answers() {}

  /** The blackboard. */
  public static final class Ask {
    final String question;

    public Ask(String question) {
      this.question = question;
    }
  }

  /** A model on an OpenAI-compatible endpoint, without retries. */
  public static LlmModel model(String baseUrl) {
    LlmProvider provider =
        LlmProvider.builder("consumer")
            .baseUrl(baseUrl)
            .apiKey("not-a-key")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(5))
            .build();
    return LlmModel.of(provider, "consumer-model");
  }

  /** Cached by question; the LLM first, then a constant. */
  public static Tree<Ask> tree(LlmModel model) {
    return Tree.<Ask>named("Answers")
        .cache(CachePolicy.<Ask>key(ask -> ask.question).ttl(Duration.ofMinutes(1)).as(String.class))
        .selector()
        .node(Llm.<Ask>prompt(model, "Answer in one sentence.", ask -> ask.question))
        .call(ask -> "no model answered: " + ask.question)
        .end()
        .build();
  }
}
