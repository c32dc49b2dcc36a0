package dev.tasktree.node;

import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;
import java.util.Map;

/**
 * The shared frame of the decorators configured by one policy object (Cache, Hedge, Bulkhead,
 * Retry, Breaker, RateLimit, Budget): the child, the policy, the descriptor that rejects a missing
 * policy, and the child list. By default the details and arguments show the policy's {@code
 * toString()}. Each of those files holds its own exec and semantics.
 *
 * @param <B> the blackboard type
 * @param <P> the policy type
 */
abstract class PolicyDecorator<B, P> extends Step<B> {

  /** Makes one node of a kind from its span name, its child and its policy. */
  @FunctionalInterface
  interface Factory<B, P> {
    Step<B> create(String name, Step<B> child, P policy);
  }

  /** The decorated node. */
  final Step<B> child;

  /** The node's settings, never {@code null}. */
  final P policy;

  PolicyDecorator(String name, String kind, Step<B> child, P policy) {
    super(name, kind);
    this.child = child;
    this.policy = policy;
  }

  /**
   * The descriptor of a decorator of {@code kind}: building it fails, naming {@code argument}, when
   * {@code policy} is {@code null}.
   */
  static <B, P> Spec<B> spec(String kind, P policy, String argument, Factory<B, P> factory) {
    return Spec.<B>decorator(
            kind, (name, children, branch) -> factory.create(name, children.getFirst(), policy))
        .notNull(policy, argument);
  }

  @Override
  public final List<? extends Step<?>> children() {
    return List.of(child);
  }

  @Override
  public String details() {
    return policy.toString();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("policy", policy.toString());
  }
}
