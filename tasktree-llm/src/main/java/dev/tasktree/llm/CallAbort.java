package dev.tasktree.llm;

import com.openai.core.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * How a model call on a platform thread is aborted. Interrupting a platform thread does not wake it
 * from a blocking socket read (only a virtual thread's socket closes on interrupt), so the exchange
 * is opened as a {@code CallAbort} on the calling thread instead: the provider's {@link
 * #INTERCEPTOR} hands it each OkHttp {@link Call} the SDK makes on that thread, and {@link
 * #cancel()} cancels the call in flight (OkHttp closes its socket) and every later one — so the
 * call runs on the caller's own thread, with no hand-off to another thread and back.
 *
 * <p>A cancelled call fails with {@link AbortedException}, which the SDK does not retry (it retries
 * only I/O errors); the provider's {@link #SLEEPER} ends the SDK's back-off between retries as soon
 * as the call is cancelled. Without an open {@code CallAbort} on the thread (calls on virtual
 * threads, which are aborted by interruption), both behave exactly like the SDK's defaults.
 */
final class CallAbort implements AutoCloseable {

  private static final ThreadLocal<CallAbort> CURRENT = new ThreadLocal<>();

  /** Hands every OkHttp call made on a thread with an open {@code CallAbort} to it. */
  static final Interceptor INTERCEPTOR = CallAbort::intercept;

  /** The SDK's back-off between retries, cut short when the thread's call is cancelled. */
  static final Sleeper SLEEPER = new AbortableSleeper();

  private final Thread thread = Thread.currentThread();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition cancelledSignal = lock.newCondition();
  private Call current;
  private volatile boolean cancelled;
  private volatile boolean interrupted;

  private CallAbort() {}

  /** Opens the abort handle of the exchange about to run on this thread. */
  static CallAbort open() {
    CallAbort abort = new CallAbort();
    CURRENT.set(abort);
    return abort;
  }

  /** The thread the exchange runs on. */
  Thread thread() {
    return thread;
  }

  /** Cancels the call in flight and every later one of this exchange. Idempotent, thread-safe. */
  void cancel() {
    Call call;
    lock.lock();
    try {
      cancelled = true;
      call = current;
      cancelledSignal.signalAll();
    } finally {
      lock.unlock();
    }
    if (call != null) {
      call.cancel();
    }
  }

  /** Cancels because the calling thread was interrupted (seen by {@link InterruptWatch}). */
  void interrupt() {
    interrupted = true;
    cancel();
  }

  /** Whether the exchange was cancelled because its thread was interrupted. */
  boolean interrupted() {
    return interrupted;
  }

  @Override
  public void close() {
    if (CURRENT.get() == this) {
      CURRENT.remove();
    }
  }

  private static Response intercept(Interceptor.Chain chain) throws IOException {
    CallAbort abort = CURRENT.get();
    if (abort == null) {
      return chain.proceed(chain.request());
    }
    abort.attach(chain.call());
    try {
      return chain.proceed(chain.request());
    } catch (IOException e) {
      if (abort.cancelled) {
        throw new AbortedException(e);
      }
      throw e;
    }
  }

  private void attach(Call call) {
    lock.lock();
    try {
      if (cancelled) {
        throw new AbortedException(null);
      }
      current = call;
    } finally {
      lock.unlock();
    }
  }

  /** Sleeps up to {@code duration}, returning early once cancelled. */
  private void sleep(Duration duration) throws InterruptedException {
    long nanos = duration.toNanos();
    lock.lock();
    try {
      while (!cancelled && nanos > 0) {
        nanos = cancelledSignal.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** A cancelled model call: not an I/O error, so the SDK does not retry it. */
  static final class AbortedException extends RuntimeException {
    AbortedException(IOException cause) {
      super("the call was cancelled", cause, false, false);
    }
  }

  private static final class AbortableSleeper implements Sleeper {
    @Override
    public void sleep(Duration duration) {
      try {
        CallAbort abort = CURRENT.get();
        if (abort == null) {
          Thread.sleep(duration);
        } else {
          abort.sleep(duration);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AbortedException(null);
      }
    }

    @Override
    public CompletableFuture<Void> sleepAsync(Duration duration) {
      return CompletableFuture.runAsync(
          () -> {}, CompletableFuture.delayedExecutor(duration.toNanos(), TimeUnit.NANOSECONDS));
    }

    @Override
    public void close() {
      // nothing held
    }
  }
}
