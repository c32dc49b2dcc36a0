package dev.tasktree.llm;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.Iterator;

/**
 * One HTTP exchange with the model, abortable by cancellation, streamed or not, always on the
 * calling thread. On a virtual thread (every child of Timeout, Race, Parallel, Terminable, and runs
 * started with {@code Tree.start}) the node's cancel hook interrupts it, and an interrupted virtual
 * thread closes its socket. On a platform thread, where an interrupt would not wake a blocked read,
 * the exchange runs under a {@link CallAbort}: the cancel hook cancels the OkHttp call, and {@link
 * InterruptWatch} does so when the caller is interrupted.
 */
final class ModelCall {

  private final boolean stream;
  private final StreamListener listener;

  ModelCall(boolean stream, StreamListener listener) {
    this.stream = stream;
    this.listener = listener;
  }

  /** A model call failed; carries the mapped error. */
  static final class FailedException extends Exception {
    final LlmError error;

    FailedException(LlmError error) {
      super(error.toString(), null, false, false);
      this.error = error;
    }
  }

  @SuppressWarnings("try") // the cancel hook is held open for the duration of the call
  ModelTurn run(LlmModel m, ChatCompletionCreateParams request, NodeContext ctx)
      throws FailedException, InterruptedException {
    OpenAIClient client = m.provider().sdkClient();
    StreamAccumulator acc = stream ? new StreamAccumulator() : null;
    long start = System.nanoTime();
    if (Thread.currentThread().isVirtual()) {
      try (NodeContext.Registration hook = ctx.onCancel(Thread.currentThread()::interrupt)) {
        return finished(exchange(client, request, m.name(), acc, start, ctx), acc, ctx);
      } catch (RuntimeException e) {
        throw failed(e, m, acc, ctx);
      }
    }
    CallAbort abort = CallAbort.open();
    try (abort;
        NodeContext.Registration hook = ctx.onCancel(abort::cancel);
        InterruptWatch.Watched watched = InterruptWatch.watch(abort)) {
      return finished(exchange(client, request, m.name(), acc, start, ctx), acc, ctx);
    } catch (RuntimeException e) {
      if (abort.interrupted()) {
        Thread.interrupted(); // reported as the exception, as a blocking call would
        cancelled(m, acc, ctx);
        throw new InterruptedException("interrupted during the model call");
      }
      throw failed(e, m, acc, ctx);
    }
  }

  private ModelTurn finished(ModelTurn turn, StreamAccumulator acc, NodeContext ctx) {
    if (stream) {
      notify(ctx, new StreamEvent(acc.text(), "", true, turn.finishReason(), null));
    }
    return turn;
  }

  private void cancelled(LlmModel m, StreamAccumulator acc, NodeContext ctx) {
    if (stream) {
      notify(
          ctx,
          new StreamEvent(acc.snapshot(), "", true, null, ErrorMapping.map(null, m.name(), true)));
    }
  }

  private FailedException failed(
      Throwable cause, LlmModel m, StreamAccumulator acc, NodeContext ctx) {
    LlmError error = ErrorMapping.map(cause, m.name(), ctx.cancelled());
    if (stream && error.partialText() == null && !acc.snapshot().isEmpty()) {
      error = error.withPartialText(acc.snapshot());
    }
    if (stream) {
      notify(ctx, new StreamEvent(acc.snapshot(), "", true, null, error));
    }
    return new FailedException(error);
  }

  private ModelTurn exchange(
      OpenAIClient client,
      ChatCompletionCreateParams request,
      String modelName,
      StreamAccumulator acc,
      long start,
      NodeContext ctx) {
    if (!stream) {
      return ModelTurn.of(client.chat().completions().create(request), modelName, since(start));
    }
    Duration firstToken = null;
    try (StreamResponse<ChatCompletionChunk> response =
        client.chat().completions().createStreaming(request)) {
      Iterator<ChatCompletionChunk> chunks = response.stream().iterator();
      while (chunks.hasNext()) {
        acc.add(chunks.next(), event -> notify(ctx, event));
        if (firstToken == null && acc.anyDelta()) {
          firstToken = since(start);
        }
      }
    }
    return acc.finish(modelName, since(start), firstToken);
  }

  private void notify(NodeContext ctx, StreamEvent event) {
    if (listener == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      ctx.log(LogLevel.WARN, "stream listener threw " + e);
    }
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
