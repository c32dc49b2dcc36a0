// Live updates of a running trace: its events over Server-Sent Events applied to the model, and a
// one-second clock for the header, axis, running rows and the detail panel.
import { traceEvents } from './api.js';

/**
 * @param id the trace id
 * @param hooks model() the current model; destroyed(); started(span) a span began; changed(span)
 *     an event touched a span (or null); ended(event) the stream ended with trace_end, stale or
 *     reset; tick() once a second while the run runs; announce(text) for screen readers
 */
export function createLive(id, hooks) {
  let source = null;
  let timer = null;
  let newSpans = 0;

  function follow() {
    const model = hooks.model();
    if (!model.running() || hooks.destroyed()) return;
    source = traceEvents(id, model.offset);
    source.onmessage = (msg) => {
      let event;
      try {
        event = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      const current = hooks.model();
      if (msg.lastEventId) current.offset = Number(msg.lastEventId);
      if (event.type === 'trace_end' || event.type === 'stale' || event.type === 'reset') {
        source.close();
        source = null;
        if (event.type === 'trace_end') {
          current.apply(event);
          hooks.announce(`Run finished: ${event.status}`);
        }
        hooks.ended(event);
        return;
      }
      const s = current.apply(event);
      if (s && event.type === 'start') {
        newSpans++;
        hooks.started(s);
      }
      hooks.changed(s);
    };
    source.onerror = () => {
      // EventSource reconnects by itself with Last-Event-ID; nothing to do.
    };
    timer = setInterval(() => {
      if (!hooks.model().running()) return;
      hooks.tick();
      if (newSpans) {
        hooks.announce(`${newSpans} new span${newSpans === 1 ? '' : 's'}`);
        newSpans = 0;
      }
    }, 1000);
  }

  return {
    follow,
    /** Whether the event stream is open. */
    get connected() {
      return source !== null;
    },
    /** Stops the clock once the run no longer runs. */
    settle() {
      if (timer && !hooks.model().running()) { clearInterval(timer); timer = null; }
    },
    close() {
      if (source) source.close();
      if (timer) clearInterval(timer);
    },
  };
}
