package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.llm.Message;
import dev.tasktree.llm.Param;
import dev.tasktree.llm.Tool;
import java.util.List;
import java.util.Map;

/**
 * Example 4, a tool-using agent: the LLM node's tool loop with two annotated Java methods. The
 * model asks for both tools in one turn; the node runs them (concurrently, one span each), sends
 * the results back, and the model answers.
 */
public final class ToolAgent {

  private ToolAgent() {}

  /** The blackboard: the customer's message and the agent's reply. */
  public static final class Ticket {
    final String message;
    String reply;

    public Ticket(String message) {
      this.message = message;
    }

    List<Message> messages() {
      return List.of(
          Message.system("You are a support agent. Use the tools; answer in one sentence."),
          Message.user(message));
    }

    void setReply(String reply) {
      this.reply = reply;
    }

    public String reply() {
      return reply;
    }
  }

  // snippet:tools
  /** The tools: plain methods; their parameters become the JSON schema the model sees. */
  static final class ShopTools {
    private static final Map<String, String> ORDERS =
        Map.of("A-1042", "shipped", "A-1043", "packing");

    @Tool("The status of an order")
    String orderStatus(@Param("Order id, like A-1042") String orderId) {
      return ORDERS.getOrDefault(orderId, "unknown order");
    }

    @Tool("Delivery time in days to a country")
    int deliveryDays(@Param("ISO country code, like NO") String country) {
      return country.equals("NO") ? 3 : 5;
    }
  }

  // end-snippet

  // spotless:off
  // snippet:tool-agent
  public static Tree<Ticket> tree(LlmModel model) {
    return Tree.<Ticket>named("ToolAgent")
        .sequence()
            .node(Llm.chat(model, Ticket::messages).tools(new ShopTools()).maxIterations(4))
            .writeBlackboard(LlmReply.text(Ticket::setReply))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static Example.Outcome run(Session session) throws InterruptedException {
    Tree<Ticket> tree = tree(session.models().model("agent"));
    Ticket ticket = new Ticket("Where is my order A-1042? I live in Norway.");
    var handle = tree.start(ticket, session.options());
    Result result = handle.await();
    String tools =
        result.data() instanceof LlmReply reply
            ? reply.toolExecutions().size() + " tool calls, then: "
            : "";
    return new Example.Outcome(result, tools + ticket.reply(), handle.traceId());
  }
}
