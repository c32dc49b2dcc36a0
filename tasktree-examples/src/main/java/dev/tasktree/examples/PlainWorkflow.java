package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import java.util.ArrayList;
import java.util.List;

/**
 * A workflow without any LLM: Sequence, When/OrElse, RepeatWhile, ParseJson and WriteBlackboard. It
 * parses an order from JSON (fenced, with single quotes and a trailing comma, as models write it),
 * refuses an empty one, and prices each line until the list is done.
 */
public final class PlainWorkflow {

  private PlainWorkflow() {}

  /** One order line, parsed from JSON. */
  public record Line(String sku, int quantity, double unitPrice) {}

  /** The parsed order. */
  public record Order(String customer, List<Line> lines) {}

  /** The blackboard. */
  public static final class Invoice {
    final String json;
    Order order;
    int next;
    double total;
    final List<String> notes = new ArrayList<>();

    public Invoice(String json) {
      this.json = json;
    }

    public double total() {
      return total;
    }

    public List<String> notes() {
      return notes;
    }
  }

  /** Parses the order, refuses empty ones, then prices line by line. */
  // spotless:off
  public static final Tree<Invoice> TREE = Tree.<Invoice>named("Invoice")
      .sequence()
          .parseJson(inv -> inv.json, Order.class, (inv, order) -> inv.order = order)
          .when(inv -> inv.order.lines().isEmpty())
              .failure(inv -> "empty order for " + inv.order.customer())
          .orElse()
              .log("pricing lines")
          .repeatWhile(inv -> inv.next < inv.order.lines().size(), 100)
              .call(inv -> {
                Line line = inv.order.lines().get(inv.next++);
                double amount = line.quantity() * line.unitPrice();
                inv.total += amount;
                return line.sku() + " = " + amount;
              })
          .call(inv -> Math.round(inv.total * 100) / 100.0)
          .writeBlackboard((Invoice inv, Double total) -> inv.notes.add("total " + total))
      .end()
      .build();
  // spotless:on

  static final String ORDER =
      "```json\n{'customer': 'ACME', 'lines': [{'sku': 'bolt', 'quantity': 4,"
          + " 'unitPrice': 0.25}, {'sku': 'nut', 'quantity': 10, 'unitPrice': 0.1},]}\n```";

  static Example.Outcome run(Session session) throws InterruptedException {
    Invoice invoice = new Invoice(ORDER);
    var handle = TREE.start(invoice, session.options());
    Result result = handle.await();
    return new Example.Outcome(
        result,
        "order of " + invoice.order.lines().size() + " lines: " + invoice.notes(),
        handle.traceId());
  }
}
