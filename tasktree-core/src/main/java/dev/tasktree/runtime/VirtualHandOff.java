package dev.tasktree.runtime;

import dev.tasktree.Result;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.MDC;

/**
 * Moves a run started on a platform thread to one virtual thread (DESIGN §3): a tree with forking
 * nodes (Timeout, Terminable, Parallel, Race, Gather) then pays one platform-to-virtual hand-off
 * for the whole run, and each fork inside it a cheap virtual-to-virtual one, instead of one
 * platform-to-virtual hand-off per fork. The caller parks until the run is over; an interrupt of
 * the caller cancels the run (as it did when the forks parked the caller itself) and is kept on the
 * caller. SLF4J's MDC is copied to the run's thread; other thread-locals are not.
 */
public final class VirtualHandOff implements Runnable {

  private final Run run;
  private final String treeName;
  private final Step<?> root;
  private final Object blackboard;
  private final Thread caller = Thread.currentThread();
  private final Map<String, String> mdc = MDC.getCopyOfContextMap();
  private volatile boolean done;
  private Result result;
  private Throwable failure;

  private VirtualHandOff(Run run, String treeName, Step<?> root, Object blackboard) {
    this.run = run;
    this.treeName = treeName;
    this.root = root;
    this.blackboard = blackboard;
  }

  /** Whether any node of the tree under {@code root} forks (walked once, when a tree is built). */
  public static boolean forks(Step<?> root) {
    Deque<Step<?>> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Step<?> step = pending.pop();
      if (step.forks()) {
        return true;
      }
      step.children().forEach(pending::push);
    }
    return false;
  }

  /**
   * Runs the tree: on this thread when it is virtual or the tree never forks, else on one new
   * virtual thread while this one waits.
   */
  public static <B> Result execute(
      Run run, String treeName, Step<B> root, B blackboard, boolean forks) {
    if (!forks || Thread.currentThread().isVirtual()) {
      return run.execute(treeName, root, blackboard);
    }
    VirtualHandOff handOff = new VirtualHandOff(run, treeName, root, blackboard);
    Thread.startVirtualThread(handOff);
    return handOff.await();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void run() {
    if (mdc != null) {
      MDC.setContextMap(mdc);
    }
    try {
      result = run.execute(treeName, (Step<Object>) root, blackboard);
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      done = true;
      LockSupport.unpark(caller);
    }
  }

  private Result await() {
    boolean interrupted = false;
    while (!done) {
      LockSupport.park(this);
      if (Thread.interrupted() && !interrupted) {
        interrupted = true;
        run.cancel("the calling thread was interrupted");
      }
    }
    if (interrupted) {
      caller.interrupt();
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return result;
  }
}
