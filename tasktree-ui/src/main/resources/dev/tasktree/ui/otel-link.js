// The link from a run to the same trace in the team's OpenTelemetry backend (Jaeger, Tempo,
// Langfuse...): tasktree-otel records it on the trace's first line as `tasktree.otel.trace_url`
// (OtelNames.TRACE_URL) when the user gave a URL template. Only an absolute http(s) URL becomes a
// link; anything else (javascript:, data:, relative, not a string) shows nothing.
import { h } from './dom.js';

export const OTEL_TRACE_URL = 'tasktree.otel.trace_url';
export const OTEL_TRACE_ID = 'tasktree.otel.trace_id';

/** The URL as an absolute http(s) URL text, or null. */
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch (e) {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/** A link to the run's OpenTelemetry trace from the run's attributes, or null. */
export function otelLink(attributes) {
  const href = safeHttpUrl(attributes ? attributes[OTEL_TRACE_URL] : null);
  if (!href) return null;
  const traceId = attributes[OTEL_TRACE_ID];
  return h('a', {
    class: 'button', id: 'otel-link', href, target: '_blank', rel: 'noopener noreferrer',
    title: `${typeof traceId === 'string' ? `OpenTelemetry trace ${traceId}: ` : ''}${href}`,
  }, 'OpenTelemetry trace ↗');
}
