package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;

/**
 * Example 5, structured output: extract a Java record from free text. The node asks for JSON that
 * fits the record's schema and binds the reply; a reply that does not fit fails the node with
 * {@code output_parse}, and the Retry asks again. Offline, the first reply is prose, the second
 * fits.
 */
public final class StructuredOutput {

  private StructuredOutput() {}

  /** What we want out of the text. */
  public record Contact(String name, String email, String company) {}

  /** The blackboard. */
  public static final class Lead {
    final String email;
    Contact contact;

    public Lead(String email) {
      this.email = email;
    }

    void setContact(Contact contact) {
      this.contact = contact;
    }

    public Contact contact() {
      return contact;
    }
  }

  // spotless:off
  // snippet:structured-output
  public static Tree<Lead> tree(LlmModel model) {
    return Tree.<Lead>named("StructuredOutput")
        .sequence()
            .retry(RetryPolicy.tries(3))
                .node(Llm.<Lead>prompt(model, "Extract the sender's contact.", lead -> lead.email)
                    .outputAs(Contact.class))
            .writeBlackboard(LlmReply.parsed(Contact.class, Lead::setContact))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static final String EMAIL =
      """
      Hi, thanks for the demo yesterday! Could you send the pricing sheet?
      Best, Ada Lovelace — Analytical Engines Ltd — ada@analytical.example
      """;

  static Example.Outcome run(Session session) throws InterruptedException {
    Tree<Lead> tree = tree(session.models().model("extract"));
    Lead lead = new Lead(EMAIL);
    var handle = tree.start(lead, session.options());
    Result result = handle.await();
    int attempts = session.trace(handle.traceId()).spansOfKind("Llm").size();
    return new Example.Outcome(
        result, attempts + " attempt(s): " + lead.contact(), handle.traceId());
  }
}
