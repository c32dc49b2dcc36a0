/**
 * TaskTree core: the tree builder, the nodes, the runtime, the trace model with its writer and
 * reader, and the store SPIs with their in-memory implementations.
 *
 * <p>Exported: {@code dev.tasktree} (the API: Tree, TreeBuilder, Result, RunOptions, policies),
 * {@code dev.tasktree.spi} (what extensions implement or see), {@code dev.tasktree.trace} and
 * {@code dev.tasktree.store}. Not exported: {@code dev.tasktree.node} (one class per node kind —
 * their Javadoc is the semantics, published as {@code docs/semantics.md}) and {@code
 * dev.tasktree.runtime}. Jackson reads only public types of exported packages (results and values a
 * user puts in a trace), and TaskTree writes its own JSON by hand, so nothing is opened to it.
 */
module dev.tasktree.core {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.tasktree;
  exports dev.tasktree.spi;
  exports dev.tasktree.trace;
  exports dev.tasktree.store;
}
