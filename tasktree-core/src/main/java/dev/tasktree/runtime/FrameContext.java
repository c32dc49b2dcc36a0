package dev.tasktree.runtime;

import dev.tasktree.Result;
import dev.tasktree.spi.CheckpointCodec;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Status;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

/** The {@link NodeContext} of one node execution: a view of its {@link Frame}. */
final class FrameContext implements NodeContext {

  private final Frame frame;

  FrameContext(Frame frame) {
    this.frame = frame;
  }

  @Override
  public <T> T span(String name, String kind, SpanWork<T> work) throws Exception {
    Scope scope = frame.scope();
    if (scope.cancelled()) {
      throw new Cancelled(scope.reason());
    }
    Recorder recorder = frame.run().recorder();
    String childPath = recorder.enabled() ? frame.path() + " > " + name : null;
    Recorder.Span childSpan = recorder.start(frame.span(), name, kind, childPath);
    Frame child = frame.childSpanFrame(name, childSpan, childPath);
    try (RunInterceptor.Entered entered = frame.run().enter(childSpan)) {
      T value = work.run(child.context());
      childSpan.end(value instanceof Result r ? r : Result.ok(value));
      return value;
    } catch (Cancelled cancelled) {
      childSpan.cancelled(cancelled.getMessage());
      throw cancelled;
    } catch (Exception e) {
      childSpan.error(e);
      childSpan.end(Status.FAIL, e);
      throw e;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T checkpoint(String name, CheckpointCodec<T> codec, Callable<T> work)
      throws Exception {
    Result result =
        frame.checkpoint(
            name,
            new Durable.Format() {
              @Override
              public String encode(Result r) throws Exception {
                return r.isOk()
                    ? codec.encode((T) r.data())
                    : codec.encodeFailure((Exception) r.data());
              }

              @Override
              public Result decode(boolean ok, String json) throws Exception {
                return ok ? Result.ok(codec.decode(json)) : Result.fail(codec.decodeFailure(json));
              }
            },
            () -> {
              try {
                return Result.ok(work.call());
              } catch (Cancelled | InterruptedException e) {
                throw e;
              } catch (Exception e) {
                if (frame.cancelled() || codec.encodeFailure(e) == null) {
                  throw e;
                }
                return Result.fail(e);
              }
            });
    if (result.isOk()) {
      return (T) result.data();
    }
    throw (Exception) result.data();
  }

  @Override
  public String traceId() {
    return frame.traceId();
  }

  @Override
  public String path() {
    return frame.path();
  }

  @Override
  public Optional<Result> previous() {
    return frame.previous();
  }

  @Override
  public int attempt() {
    return frame.attempt().number();
  }

  @Override
  public Optional<Result> lastFailure() {
    return Optional.ofNullable(frame.attempt().lastFailure());
  }

  @Override
  public Random random() {
    return frame.random();
  }

  @Override
  public Clock clock() {
    return frame.run().options().clock();
  }

  @Override
  public CacheStore cacheStore() {
    return frame.cacheStore();
  }

  @Override
  public SignalStore signalStore() {
    return frame.signalStore();
  }

  @Override
  public void log(LogLevel level, String message) {
    frame.log(level, message);
  }

  @Override
  public void attribute(String key, Object value) {
    frame.attribute(key, value);
  }

  @Override
  public boolean cancelled() {
    return frame.cancelled();
  }

  @Override
  public Registration onCancel(Runnable hook) {
    Runnable remove = frame.scope().onCancel(hook);
    return remove::run;
  }
}
