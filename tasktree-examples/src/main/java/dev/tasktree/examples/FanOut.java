package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import java.util.List;

/**
 * Example 3, fan-out: summarise several documents in parallel — at most two at a time, with a
 * Gather over a per-document subtree — then merge the summaries with one more call.
 */
public final class FanOut {

  private FanOut() {}

  /** One document; also the blackboard of the per-document subtree. */
  public record Document(String title, String text) {}

  /** The blackboard: the documents in, the summaries and the digest out. */
  public static final class Digest {
    final List<Document> documents;
    List<String> summaries = List.of();
    String digest;

    public Digest(List<Document> documents) {
      this.documents = documents;
    }

    void setSummaries(List<LlmReply> replies) {
      summaries = replies.stream().map(LlmReply::text).toList();
    }

    void setDigest(String digest) {
      this.digest = digest;
    }

    public List<String> summaries() {
      return summaries;
    }

    public String digest() {
      return digest;
    }
  }

  // spotless:off
  // snippet:fan-out
  public static Tree<Digest> tree(LlmModel summariser, LlmModel merger) {
    Tree<Document> summariseOne = Tree.<Document>named("SummariseOne")
        .node(Llm.prompt(summariser, "Summarise in one sentence.", "{{title}}: {{text}}"))
        .build();

    return Tree.<Digest>named("FanOut")
        .sequence()
            .gather(digest -> digest.documents, summariseOne, 2) // at most 2 calls at once
            .writeBlackboard(Digest::setSummaries)
            .node(Llm.<Digest>prompt(merger, "Merge these summaries into one paragraph.",
                digest -> String.join("\n", digest.summaries)))
            .writeBlackboard(LlmReply.text(Digest::setDigest))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static final List<Document> DOCUMENTS =
      List.of(
          new Document("Q1 report", "Revenue grew 12% on strong subscription sales."),
          new Document("Incident 42", "A cache outage slowed checkout for 20 minutes."),
          new Document("Hiring plan", "Two platform engineers join in the spring."),
          new Document("Roadmap", "The mobile app ships offline mode next quarter."),
          new Document("Survey", "Customers ask for faster support replies."));

  static Example.Outcome run(Session session) throws InterruptedException {
    Models models = session.models();
    Tree<Digest> tree = tree(models.model("summarise"), models.model("merge"));
    Digest digest = new Digest(DOCUMENTS);
    var handle = tree.start(digest, session.options());
    Result result = handle.await();
    return new Example.Outcome(
        result,
        digest.summaries().size() + " summaries merged: " + digest.digest(),
        handle.traceId());
  }
}
