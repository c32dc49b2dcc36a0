// One row of the run tree: toggle button, status symbol, kind, name, badges, roll-up, duration
// and the waterfall bar (clipped to the visible time window).
import { append, h, highlighted } from './dom.js';
import * as fmt from './format.js';
import { statusGlyph } from './status.js';
import { ABANDONED, ATTEMPT, COST, INDEX, INPUT_TOKENS, isLlm, OUTPUT_TOKENS } from './model.js';

export const ROW = 28;
const MIN_BAR = 0.0015;

/** The status a row shows: an open span of a finished run reads as abandoned, not running. */
export function shownStatus(model, s) {
  if (s.ghost) return 'NEVER';
  const open = model.openState(s);
  if (open === 'abandoned' || s.attributes[ABANDONED] === true) return 'ABANDONED';
  if (open === 'interrupted') return 'INTERRUPTED';
  return s.status;
}

function rollupText(r, s) {
  if (!r) return null;
  const a = s.attributes;
  const own = s.error ? 1 : 0;
  const same = r.llm === (isLlm(s) ? 1 : 0) && r.input === Number(a[INPUT_TOKENS] || 0)
    && r.output === Number(a[OUTPUT_TOKENS] || 0) && r.errors === own;
  if (same) return null; // nothing below adds to what the row shows itself
  const parts = [];
  if (r.llm) parts.push(`${r.llm} LLM`);
  if (r.input || r.output) parts.push(`${fmt.count(r.input + r.output)} tok`);
  if (r.cost) parts.push(fmt.cost(r.cost));
  if (r.errors - own) parts.push(`${r.errors - own} err below`);
  return parts.length ? `Σ ${parts.join(' · ')}` : null;
}

/**
 * @param view {model, kids, selected, open, matchSet, current, needle, winStart, winUs, onToggle,
 *     onSelect, critical}
 */
export function renderRow(view, s, i) {
  const { model } = view;
  const kids = view.kids(s);
  const hasKids = kids.length > 0;
  const open = hasKids && view.open(s);
  const a = s.attributes;
  const status = shownStatus(model, s);
  const classes = ['row', `st-${status.toLowerCase()}`];
  if (s.ghost) classes.push('ghost');
  if (view.selected === s) classes.push('selected');
  if (view.matchSet.has(s.id)) classes.push('match');
  if (view.current === s) classes.push('current');
  if (view.critical && view.critical.has(s.id)) classes.push('critical');
  const el = h('div', {
    class: classes.join(' '), role: 'treeitem', id: `row-${cssSafe(s.id)}`, 'data-span-id': s.id,
    'aria-level': s.depth + 1, 'aria-expanded': hasKids ? String(open) : null,
    'aria-selected': String(view.selected === s), 'aria-setsize': view.setSize(s), 'aria-posinset': view.posInSet(s),
  });
  el.style.transform = `translateY(${i * ROW}px)`;
  let toggle;
  if (hasKids) {
    toggle = h('button', {
      type: 'button', class: 'toggle', tabindex: '-1', 'aria-hidden': 'true',
      title: open ? 'Collapse' : `Expand (${kids.length})`,
    }, open ? '▾' : '▸');
    toggle.addEventListener('click', (e) => { e.stopPropagation(); view.onToggle(s); });
  } else {
    toggle = h('span', { class: 'toggle leaf', 'aria-hidden': 'true' });
  }
  const label = h('div', { class: 'cell-name' });
  label.style.paddingLeft = `${s.depth * 16 + 4}px`;
  const roll = hasKids && !s.ghost ? rollupText(model.rollup(s), s) : null;
  append(label,
    toggle,
    statusGlyph(status),
    h('span', { class: `badge kind kind-${s.kind.toLowerCase().replace(/[^a-z]/g, '')}` }, s.kind),
    h('span', { class: 'name' }, highlighted(s.name, view.matchSet.has(s.id) ? view.needle : '')),
    a[ATTEMPT] !== undefined ? h('span', { class: 'badge attempt', title: 'attempt / iteration' }, `#${Number(a[ATTEMPT]) + 1}`) : null,
    a[INDEX] !== undefined ? h('span', { class: 'badge attempt', title: 'item index' }, `[${a[INDEX]}]`) : null,
    status === 'ABANDONED' ? h('span', { class: 'badge open-state' }, 'abandoned') : null,
    status === 'INTERRUPTED' && s.endUs === null ? h('span', { class: 'badge open-state' }, 'interrupted') : null,
    s.ghost ? h('span', { class: 'muted small never' }, 'never ran') : null,
    hasKids && !open ? h('span', { class: 'muted small' }, ` ${kids.length} children`) : null,
    isLlm(s) ? h('span', { class: 'llm-usage muted small' },
      `${fmt.count(a[INPUT_TOKENS] ?? 0)}→${fmt.count(a[OUTPUT_TOKENS] ?? 0)} tok`, a[COST] ? ` · ${fmt.cost(Number(a[COST]))}` : '') : null,
    roll ? h('span', { class: 'rollup muted small', title: 'totals of this subtree' }, roll) : null,
    s.error ? h('span', { class: 'err-dot', title: s.error.type, 'aria-label': `error ${s.error.type}`, role: 'img' }, '!') : null);
  const dur = h('div', { class: 'cell-dur num' });
  const wf = h('div', { class: 'cell-wf' });
  append(el, label, dur, wf);
  fillTiming(view, s, el);
  el.addEventListener('click', () => view.onSelect(s));
  return el;
}

/**
 * Writes a row's duration and waterfall bar. Called again on a running span's row as its clock
 * advances, so the row stays the same element (a click on it is never lost to a redraw).
 */
export function fillTiming(view, s, el) {
  const { model } = view;
  const durCell = el.querySelector('.cell-dur');
  const wf = el.querySelector('.cell-wf');
  if (s.ghost) return;
  const end = model.spanEndUs(s);
  const dur = Math.max(0, end - s.startUs);
  durCell.textContent = s.endUs !== null ? fmt.duration(dur) : model.openState(s) === 'running' ? `${fmt.duration(dur)}…` : `${fmt.duration(dur)}+`;
  const from = (s.startUs - view.winStart) / view.winUs;
  const to = (end - view.winStart) / view.winUs;
  let bar = wf.firstChild;
  if (to >= 0 && from <= 1) {
    // Clipped to the window; a bar too short to see keeps a minimum width inside the axis.
    const right = clamp(to);
    const left = Math.min(clamp(from), right, 1 - MIN_BAR);
    if (!bar) bar = wf.appendChild(h('div', { class: 'bar' }));
    bar.title = `${fmt.duration(dur)} at +${fmt.duration(s.startUs - model.startUs)}`;
    bar.style.left = `${left * 100}%`;
    bar.style.width = `${Math.max(right - left, MIN_BAR) * 100}%`;
  } else if (bar) {
    bar.remove();
  }
}

function clamp(x) {
  return Math.min(1, Math.max(0, x));
}

/** An element id built from a span id (ids are hex or text; anything odd becomes '_'). */
export function cssSafe(id) {
  return String(id).replace(/[^A-Za-z0-9_-]/g, '_');
}
