// The JSON API of the trace server.

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
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  return getJson(`/api/traces?${q}`, signal);
}

export function getTrace(id, signal) {
  return getJson(`/api/traces/${encodeURIComponent(id)}`, signal);
}

export function health(signal) {
  return getJson('/api/health', signal);
}

export function traceEvents(id, from) {
  return new EventSource(`/api/traces/${encodeURIComponent(id)}/events?from=${from}`);
}
