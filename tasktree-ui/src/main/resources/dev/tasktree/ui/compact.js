// Expands the API's compact trace form (?form=compact, see CompactJson on the server) into the
// plain form the model reads: one object per span with ids, times in epoch µs and ISO texts.

/** An ISO-8601 UTC text with microseconds, from epoch microseconds. */
export function isoFromUs(us) {
  if (us === null || us === undefined) return null;
  const ms = Math.floor(us / 1000);
  const text = new Date(ms).toISOString(); // ...T12:34:56.789Z
  const micro = String(Math.round(us - ms * 1000)).padStart(3, '0');
  return `${text.slice(0, -1)}${micro}Z`;
}

export function expandCompact(body) {
  if (!body || body.form !== 'compact') return body;
  const strings = body.strings;
  const base = body.baseUs;
  const spans = new Array(body.spans.length);
  for (let i = 0; i < body.spans.length; i++) {
    const [id, parent, name, kind, path, start, end, status, data, error, logs, attrs] = body.spans[i];
    const startUs = base + start;
    const endUs = end === null ? null : base + end;
    spans[i] = {
      id, parentId: parent >= 0 ? spans[parent].id : null, name: strings[name], kind: strings[kind],
      // ISO texts are rebuilt on demand (isoFromUs): 40,000 of them would cost more than the rest.
      // A negative path is relative: the parent's path, ' > ' and strings[-path - 1].
      path: path >= 0 ? strings[path] : `${spans[parent].path} > ${strings[-path - 1]}`, startUs, endUs, start: null, end: null,
      status: strings[status], data,
      error: error ? { type: error[0], message: error[1], stack: error[2] } : null,
      logs: logs ? logs.map(([t, level, message]) => ({ timeUs: base + t, time: null, level: strings[level], message })) : [],
      attributes: attrs || {},
    };
  }
  return { id: body.id, summary: body.summary, data: body.data, offset: body.offset, shape: body.shape, attributes: body.attributes, spans };
}
