// The JSON API of the trace server.
import { expandCompact } from './compact.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(url, signal) {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal });
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    // not JSON
  }
  if (!res.ok) {
    throw new ApiError(res.status, (body && body.error) || `HTTP ${res.status}`);
  }
  return body;
}

export function listTraces(params, signal) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    // An array is a repeated parameter (tag=a&tag=b).
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== null && one !== '') q.append(k, one);
  }
  return getJson(`/api/traces?${q}`, signal);
}

/** The response boot.js started fetching for this trace while the modules loaded, or null (once). */
function earlyResponse(id) {
  const early = window.__tasktreeEarlyTrace;
  if (!early || early.id !== id) return null;
  window.__tasktreeEarlyTrace = null;
  return early.response.catch(() => null);
}

/**
 * One trace. Leaves performance marks (tt:fetch, tt:response, tt:parsed) so the time to open a big
 * trace can be split into network, JSON parsing and rendering.
 */
export async function getTrace(id, signal) {
  let res = await earlyResponse(id);
  if (!res) {
    performance.mark('tt:fetch');
    res = await fetch(`/api/traces/${encodeURIComponent(id)}?form=compact`, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal });
    performance.mark('tt:response');
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    // not JSON
  }
  performance.mark('tt:parsed');
  if (!res.ok) throw new ApiError(res.status, (body && body.error) || `HTTP ${res.status}`);
  return expandCompact(body);
}

export function health(signal) {
  return getJson('/api/health', signal);
}

export function traceEvents(id, from) {
  return new EventSource(`/api/traces/${encodeURIComponent(id)}/events?from=${from}`);
}
