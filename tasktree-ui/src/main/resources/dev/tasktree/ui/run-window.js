// The virtualised rows of the run tree: only the rows in view (plus an overscan) exist in the
// DOM, each placed by a transform; rows already on screen are kept (moved, not rebuilt) unless
// what they show changed.
import { cssSafe, fillTiming, renderRow, ROW } from './tree-row.js';

const OVERSCAN = 12;

/**
 * @param rows the positioned container of the rows
 * @param scroller the scrolling tree element
 * @param noMatch the element shown when there are no rows
 */
export function createRowWindow(rows, scroller, noMatch) {
  const cache = new Map(); // span id -> {el, sig} of the rows on screen

  /** Sizes the scroll area for `count` rows; `emptyText` shows when there are none. */
  function resize(count, emptyText) {
    rows.style.height = `${count * ROW}px`;
    noMatch.hidden = count > 0;
    noMatch.textContent = emptyText;
  }

  /**
   * Renders the rows of `visible` in view. `rowView` is what tree-row.js reads (model, selected,
   * matches, window...); `win` the waterfall's time window {start, us}.
   */
  function render(rowView, visible, win) {
    const { model, selected } = rowView;
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    rowView.winStart = win.start;
    rowView.winUs = win.us;
    const current = rowView.current;
    const critical = rowView.critical;
    const wanted = new Map();
    for (let i = first; i < last; i++) {
      const s = visible[i];
      const sig = [s.status, s.endUs, s.logs.length, selected === s, rowView.matchSet.has(s.id), current === s,
        critical ? critical.has(s.id) : false, !rowView.open(s), model.kids(s).length, rowView.needle,
        win.start, win.us, model.summary.status, rowView.posInSet(s), rowView.setSize(s)].join('|');
      const cached = cache.get(s.id);
      const reuse = cached && cached.sig === sig;
      const el = reuse ? cached.el : renderRow(rowView, s, i);
      if (reuse && s.endUs === null) fillTiming(rowView, s, el); // a running span's clock moves on
      cache.set(s.id, { el, sig });
      el.style.transform = `translateY(${i * ROW}px)`;
      wanted.set(s.id, el);
    }
    for (const [spanId, entry] of cache) {
      if (wanted.get(spanId) !== entry.el) cache.delete(spanId);
    }
    for (const child of [...rows.children]) if (wanted.get(child.dataset.spanId) !== child) child.remove();
    let cursor = rows.firstChild;
    for (const el of wanted.values()) {
      if (el === cursor) cursor = cursor.nextSibling;
      else rows.insertBefore(el, cursor);
    }
    // The selected row is the tree's active descendant while it is rendered.
    const active = selected && visible.indexOf(selected) >= first && visible.indexOf(selected) < last;
    if (active) scroller.setAttribute('aria-activedescendant', `row-${cssSafe(selected.id)}`);
    else scroller.removeAttribute('aria-activedescendant');
  }

  /** Scrolls so that row `span` of `visible` is in view (centred when it was not). */
  function scrollTo(visible, span) {
    const i = visible.indexOf(span);
    if (i < 0) return;
    const top = i * ROW;
    if (top < scroller.scrollTop || top + ROW > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 2);
    }
  }

  return {
    resize,
    render,
    scrollTo,
    /** Forgets the rendered rows (a new model: every row is rebuilt). */
    clear: () => cache.clear(),
    pageRows: () => Math.floor(scroller.clientHeight / ROW),
  };
}
