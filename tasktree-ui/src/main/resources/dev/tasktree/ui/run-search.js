// Search within a run: the matching spans, the current match, stepping with n/N or Enter.

export class RunSearch {
  constructor() {
    this.needle = '';
    this.matches = [];
    this.matchSet = new Set();
    this.index = -1;
  }

  /** The current match, or null. */
  get current() {
    return this.index >= 0 ? this.matches[this.index] : null;
  }

  /** Whether `text` (the search box) differs from what was searched for. */
  stale(text) {
    return text.trim().toLowerCase() !== this.needle;
  }

  /** Searches every span of `model` for `text` (case-insensitive). */
  run(model, text) {
    this.needle = text.trim().toLowerCase();
    this.matches = [];
    if (this.needle) for (const s of model.walk()) if (model.searchText(s).includes(this.needle)) this.matches.push(s);
    this.matchSet = new Set(this.matches.map((s) => s.id));
    this.index = -1;
  }

  /** Adds a span that arrived live when it matches; returns whether it did. */
  offer(model, span) {
    if (!this.needle || !model.searchText(span).includes(this.needle)) return false;
    this.matches.push(span);
    this.matchSet.add(span.id);
    return true;
  }

  /** Moves to the next (1) or previous (-1) match, wrapping; returns it, or null without matches. */
  step(dir) {
    if (!this.matches.length) return null;
    this.index = (this.index + dir + this.matches.length) % this.matches.length;
    return this.matches[this.index];
  }

  /** The needle for a span's highlighting: the search text when it matches, else ''. */
  needleFor(span) {
    return this.matchSet.has(span.id) ? this.needle : '';
  }

  /** "2 / 7", "no matches", or '' without a search. */
  countText() {
    if (!this.needle) return '';
    return this.matches.length ? `${this.index >= 0 ? this.index + 1 : 0} / ${this.matches.length}` : 'no matches';
  }
}
