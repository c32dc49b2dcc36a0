// The span model of one trace: built from the API's flat span list, updated by live events.

// Attribute names: generated from core's dev.tasktree.trace.Attributes (their one definition).
import { ATTEMPT, COST_USD, INDEX, INPUT_TOKENS, OUTPUT_TOKENS, REQUEST_MODEL, RESPONSE_MODEL } from './attributes.js';

export { ATTEMPT, INDEX, INPUT_TOKENS, OUTPUT_TOKENS, RESPONSE_MODEL };
export const COST = COST_USD;
export const MODEL = REQUEST_MODEL;

export function isLlm(span) {
  if (/^(llm|chat|completion)/i.test(span.kind || '')) return true;
  const a = span.attributes || {};
  return MODEL in a || INPUT_TOKENS in a || RESPONSE_MODEL in a;
}

export function isError(span) {
  return !!span.error || span.status === 'FAIL';
}

function num(v) {
  return typeof v === 'number' ? v : Number(v) || 0;
}

export class TraceModel {
  constructor(trace) {
    this.id = trace.id;
    this.summary = { ...trace.summary };
    this.data = trace.data;
    this.offset = trace.offset;
    this.spans = new Map();
    this.roots = [];
    this.version = 0;
    this.startUs = trace.summary.startUs;
    for (const s of trace.spans) this.addSpan(s);
    this.recount();
  }

  addSpan(raw) {
    const span = {
      id: raw.id, parentId: raw.parentId, name: raw.name, kind: raw.kind, path: raw.path,
      startUs: raw.startUs, endUs: raw.endUs ?? null, start: raw.start, end: raw.end ?? null,
      status: raw.status || 'RUNNING', data: raw.data ?? null, error: raw.error ?? null,
      logs: raw.logs || [], attributes: raw.attributes || {}, children: [], parent: null, depth: 0,
      search: null,
    };
    const parent = span.parentId ? this.spans.get(span.parentId) : null;
    if (parent) {
      span.parent = parent;
      span.depth = parent.depth + 1;
      parent.children.push(span);
    } else {
      this.roots.push(span);
    }
    this.spans.set(span.id, span);
    this.version++;
    return span;
  }

  /** Applies one live event; returns the span it touched (or null). */
  apply(event) {
    switch (event.type) {
      case 'start': {
        if (this.spans.has(event.id)) return null;
        const span = this.addSpan({ ...event, status: 'RUNNING' });
        this.summary.spanCount = this.spans.size;
        return span;
      }
      case 'log': {
        const span = this.spans.get(event.id);
        if (!span) return null;
        span.logs.push({ time: event.time, timeUs: event.timeUs, level: event.level, message: event.message });
        span.search = null;
        this.version++;
        return span;
      }
      case 'end': {
        const span = this.spans.get(event.id);
        if (!span) return null;
        span.end = event.end;
        span.endUs = event.endUs;
        span.status = event.status;
        span.data = event.data;
        span.error = event.error;
        span.attributes = event.attributes || {};
        span.search = null;
        this.version++;
        this.recount();
        return span;
      }
      case 'trace_end': {
        this.summary.status = event.status;
        this.summary.durationUs = event.timeUs - this.startUs;
        this.data = event.data;
        this.version++;
        return null;
      }
      default:
        return null;
    }
  }

  recount() {
    let errors = 0;
    let input = 0;
    let output = 0;
    let cost = 0;
    for (const s of this.spans.values()) {
      if (s.error) errors++;
      input += num(s.attributes[INPUT_TOKENS]);
      output += num(s.attributes[OUTPUT_TOKENS]);
      cost += num(s.attributes[COST]);
    }
    Object.assign(this.summary, {
      spanCount: this.spans.size, errorCount: errors, inputTokens: input, outputTokens: output, costUsd: cost,
    });
  }

  running() {
    return this.summary.status === 'RUNNING';
  }

  /** The run's end in epoch µs: its recorded end, or now while it runs. */
  endUs() {
    if (this.running()) return Math.max(Date.now() * 1000, this.startUs + 1);
    let end = this.startUs + (this.summary.durationUs || 0);
    return Math.max(end, this.startUs + 1);
  }

  /** Every span, depth first in start order. */
  *walk() {
    const stack = [...this.roots].reverse();
    while (stack.length) {
      const s = stack.pop();
      yield s;
      for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
    }
  }

  searchText(span) {
    if (span.search === null) {
      const parts = [span.name, span.kind, span.path, span.status];
      if (span.data !== null) parts.push(JSON.stringify(span.data));
      if (span.error) parts.push(span.error.type, span.error.message || '', span.error.stack || '');
      for (const l of span.logs) parts.push(l.message);
      parts.push(JSON.stringify(span.attributes));
      span.search = parts.join('\n').toLowerCase();
    }
    return span.search;
  }
}
