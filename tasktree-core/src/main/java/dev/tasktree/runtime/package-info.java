/**
 * The machinery under every node, not exported. {@link dev.tasktree.runtime.Assembly} turns the
 * builder's {@link dev.tasktree.runtime.Spec}s into {@link dev.tasktree.runtime.Step}s, checking
 * every problem at once. A {@link dev.tasktree.runtime.Run} executes a tree: {@link
 * dev.tasktree.runtime.Frame#run} is the one place a node runs (span, cancellation check, exception
 * to FAIL); {@code FrameContext} is the {@code NodeContext} a node sees; {@code Lane} carries the
 * previous result; {@link dev.tasktree.runtime.Fork} runs children on virtual threads inside a
 * cancellation {@code Scope}; {@code Recorder} turns executions into trace events.
 */
package dev.tasktree.runtime;
