// Which spans the run tree shows, in order: the collapse state (big groups collapsed at first,
// the user's toggles), the errors-only / LLM-only filters, and each row's place among its siblings.
import { isError, isLlm } from './model.js';

const BIG_GROUP = 20;

export class VisibleRows {
  constructor() {
    this.collapsed = new Set();
    this.touched = new Set(); // groups the user opened or closed (left alone by auto-collapse)
    this.filters = { errors: false, llm: false };
    this.list = [];
    this.positions = new Map(); // span id -> [position in its set, set size]
  }

  get filtering() {
    return this.filters.errors || this.filters.llm;
  }

  isGroup(span) {
    return /gather|parallel/i.test(span.kind) && span.children.length > BIG_GROUP;
  }

  /** Collapses a big Gather/Parallel the user has not opened or closed. */
  autoCollapse(span) {
    if (!this.touched.has(span.id) && this.isGroup(span)) this.collapsed.add(span.id);
  }

  keep(span) {
    return (!this.filters.errors || isError(span)) && (!this.filters.llm || isLlm(span));
  }

  isCollapsed(span) {
    return this.collapsed.has(span.id);
  }

  /** Recomputes the rows in order; returns them. */
  compute(model) {
    const filtering = this.filtering;
    let shown = null;
    if (filtering) {
      shown = new Set();
      for (const s of model.walk()) {
        if (this.keep(s)) for (let p = s; p && !shown.has(p.id); p = p.parent) shown.add(p.id);
      }
    }
    const out = [];
    const stack = [...model.roots].reverse();
    const positions = new Map();
    model.roots.forEach((r, i) => positions.set(r.id, [i + 1, model.roots.length]));
    while (stack.length) {
      const s = stack.pop();
      if (shown && !shown.has(s.id)) continue;
      out.push(s);
      const open = filtering ? !this.collapsed.has(s.id) || shown.has(s.id) && !this.keep(s) : !this.collapsed.has(s.id);
      if (!open) continue;
      const kids = model.kids(s);
      for (let i = kids.length - 1; i >= 0; i--) {
        positions.set(kids[i].id, [i + 1, kids.length]);
        stack.push(kids[i]);
      }
    }
    this.positions = positions;
    this.list = out;
    return out;
  }

  /** What an empty tree says. */
  emptyText() {
    const { errors, llm } = this.filters;
    return errors && llm ? 'No failed LLM spans in this run.'
      : errors ? 'No matching spans: this run has no errors.'
        : llm ? 'No matching spans: this run has no LLM calls.' : 'No spans.';
  }

  setSize(span) {
    return (this.positions.get(span.id) || [1, 1])[1];
  }

  posInSet(span) {
    return (this.positions.get(span.id) || [1, 1])[0];
  }

  /** Opens or closes a span (flips it without `open`); the user's choice is kept from now on. */
  toggle(span, open) {
    this.touched.add(span.id);
    const isOpen = !this.collapsed.has(span.id);
    const want = open === undefined ? !isOpen : open;
    if (want) this.collapsed.delete(span.id);
    else this.collapsed.add(span.id);
  }

  expandAll(model) {
    for (const s of model.spans.values()) if (s.children.length) this.touched.add(s.id);
    this.collapsed.clear();
  }

  collapseAll(model) {
    for (const s of model.spans.values()) if (model.kids(s).length) { this.collapsed.add(s.id); this.touched.add(s.id); }
  }

  /**
   * Opens a span's ancestors and drops the filters that hide it. Returns {recompute, unfiltered}:
   * whether the rows must be recomputed, whether the filters were turned off.
   */
  reveal(span) {
    let changed = false;
    for (let p = span.parent; p; p = p.parent) {
      if (this.collapsed.delete(p.id)) {
        this.touched.add(p.id);
        changed = true;
      }
    }
    let unfiltered = false;
    if (this.filtering && !this.keep(span)) {
      this.filters.errors = this.filters.llm = false;
      unfiltered = true;
      changed = true;
    }
    return { recompute: changed || !this.list.includes(span), unfiltered };
  }
}
