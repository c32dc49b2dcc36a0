// The span model of one trace: built from the API's flat span list, updated by live events.
import { indexShape, mergedChildren } from './shape.js';

// Attribute names: generated from core's dev.tasktree.trace.Attributes (their one definition).
import {
  ABANDONED, APPROVAL_KEY, APPROVAL_PROPOSAL, ATTEMPT, CANCEL_REASON, COST_USD, INDEX, INPUT_TOKENS, OUTPUT_TOKENS,
  REQUEST_MODEL, RESPONSE_MODEL,
} from './attributes.js';

export { ABANDONED, ATTEMPT, CANCEL_REASON, INDEX, INPUT_TOKENS, OUTPUT_TOKENS, RESPONSE_MODEL };
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
    this.attributes = trace.attributes || {}; // the run's own, from the trace's first line
    this.spans = new Map();
    this.roots = [];
    this.version = 0;
    this.startUs = trace.summary.startUs;
    this.shape = indexShape(trace.shape);
    this.hasShape = this.shape.size > 0;
    this.kidsCache = new Map();
    this.rollups = null;
    this.rollupVersion = -1;
    // The latest moment the trace itself vouches for: a running span's clock never goes below it,
    // so a browser whose clock is behind the writer's shows no negative durations.
    this.lastEventUs = this.startUs + (trace.summary.durationUs || 0);
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
    this.seen(span.startUs);
    this.seen(span.endUs);
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
        this.seen(event.timeUs);
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
        this.seen(event.endUs);
        if (this.summary.status === 'WAITING'
            && ![...this.spans.values()].some((o) => o.status === 'WAITING' && o.endUs === null)) {
          this.summary.status = 'RUNNING'; // the decision came: running again
        }
        this.version++;
        this.recount();
        return span;
      }
      case 'wait': {
        const span = this.spans.get(event.id);
        if (!span || span.endUs !== null) return null;
        span.status = 'WAITING';
        span.attributes = { ...span.attributes, [APPROVAL_KEY]: event.key, [APPROVAL_PROPOSAL]: event.proposal };
        if (this.summary.status === 'RUNNING') this.summary.status = 'WAITING';
        this.seen(event.timeUs);
        span.search = null;
        this.version++;
        return span;
      }
      case 'trace_end': {
        this.summary.status = event.status;
        this.summary.durationUs = event.timeUs - this.startUs;
        this.seen(event.timeUs);
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

  /** Live: running, or waiting for an approval in a run that has not ended (not suspended). */
  running() {
    const s = this.summary.status;
    return s === 'RUNNING' || (s === 'WAITING' && this.roots.some((r) => r.endUs === null));
  }

  seen(us) {
    if (typeof us === 'number' && us > this.lastEventUs) this.lastEventUs = us;
  }

  /** Now in epoch µs as far as this trace is concerned: never before its last event. */
  nowUs() {
    return Math.max(Date.now() * 1000, this.lastEventUs);
  }

  /**
   * The run's end in epoch µs: its recorded end (for an interrupted run: its last event), or now
   * while it runs. Never before any span's start or end.
   */
  endUs() {
    if (this.running()) return Math.max(this.nowUs(), this.startUs + 1);
    const end = Math.max(this.startUs + (this.summary.durationUs || 0), this.lastEventUs);
    return Math.max(end, this.startUs + 1);
  }

  /**
   * How a span without an end reads: 'running' while the run is live, 'interrupted' when the
   * writer went silent, 'abandoned' when the run finished without it; null for an ended span.
   */
  openState(span) {
    if (span.endUs !== null) return null;
    if (this.running()) return 'running';
    if (this.summary.status === 'INTERRUPTED') return 'interrupted';
    return 'abandoned';
  }

  /** Where a span's bar and duration stop: its end, now (live), or the run's end (never ended). */
  spanEndUs(span) {
    if (span.endUs !== null) return span.endUs;
    return Math.max(span.startUs, this.running() ? this.nowUs() : this.endUs());
  }

  /** The children of a span as shown: with the shape's never-run nodes in place. */
  kids(span) {
    if (span.ghost || !this.hasShape) return span.children;
    const hit = this.kidsCache.get(span.id);
    if (hit && hit.version === this.version) return hit.kids;
    const kids = mergedChildren(span, this.shape);
    this.kidsCache.set(span.id, { version: this.version, kids });
    return kids;
  }

  /**
   * Totals of each span's subtree (itself included): LLM calls, tokens, cost and errors, keyed by
   * span id; recomputed when the model changed.
   */
  rollup(span) {
    if (this.rollupVersion !== this.version) {
      const sums = new Map();
      const order = [...this.walk()];
      for (let i = order.length - 1; i >= 0; i--) {
        const s = order[i];
        const a = s.attributes;
        const r = {
          llm: isLlm(s) ? 1 : 0, input: num(a[INPUT_TOKENS]), output: num(a[OUTPUT_TOKENS]),
          cost: num(a[COST]), errors: s.error ? 1 : 0, spans: 1,
        };
        for (const c of s.children) {
          const k = sums.get(c.id);
          r.llm += k.llm; r.input += k.input; r.output += k.output; r.cost += k.cost;
          r.errors += k.errors; r.spans += k.spans;
        }
        sums.set(s.id, r);
      }
      this.rollups = sums;
      this.rollupVersion = this.version;
    }
    return this.rollups.get(span.id) || null;
  }

  /** Per model: calls, tokens, cost and the p50 latency of its calls, most calls first. */
  models() {
    const by = new Map();
    for (const s of this.spans.values()) {
      if (!isLlm(s)) continue;
      const a = s.attributes;
      const name = String(a[MODEL] ?? a[RESPONSE_MODEL] ?? 'unknown model');
      let m = by.get(name);
      if (!m) by.set(name, m = { model: name, calls: 0, input: 0, output: 0, cost: 0, latencies: [] });
      m.calls++;
      m.input += num(a[INPUT_TOKENS]);
      m.output += num(a[OUTPUT_TOKENS]);
      m.cost += num(a[COST]);
      if (s.endUs !== null) m.latencies.push(s.endUs - s.startUs);
    }
    return [...by.values()].map((m) => {
      const l = m.latencies.sort((x, y) => x - y);
      return { ...m, p50Us: l.length ? l[Math.floor((l.length - 1) / 2)] : null };
    }).sort((x, y) => y.calls - x.calls || x.model.localeCompare(y.model));
  }

  /** The spans that decided the run's end: from the root, each time the child that ended last. */
  criticalPath() {
    const set = new Set();
    let s = this.roots[0];
    while (s) {
      set.add(s.id);
      let last = null;
      for (const c of s.children) if (!last || this.spanEndUs(c) >= this.spanEndUs(last)) last = c;
      s = last;
    }
    return set;
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
