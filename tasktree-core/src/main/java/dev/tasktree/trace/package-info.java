/**
 * The trace model and its files: {@link dev.tasktree.trace.TraceEvent}s as a run emits them, {@link
 * dev.tasktree.trace.TraceSink}s (JSON Lines files through {@link
 * dev.tasktree.trace.JsonlTraceWriter}, memory), {@link dev.tasktree.trace.TraceReader} that turns
 * a file (any version this library wrote, even cut short by a crash) back into a {@link
 * dev.tasktree.trace.Trace} of {@link dev.tasktree.trace.Span}s, the well-known attribute names in
 * {@link dev.tasktree.trace.Attributes}, and {@link dev.tasktree.trace.TraceJson}, which bounds and
 * redacts every value. The line format is in {@code docs/trace-format.md}.
 */
package dev.tasktree.trace;
