// Status badges and glyphs: every status is told by a word or a symbol, never by colour alone.
import { h } from './dom.js';

export const STATES = [
  ['OK', '✓', 'finished OK'],
  ['FAIL', '✕', 'failed'],
  ['CANCELLED', '⊘', 'cancelled'],
  ['RUNNING', '◔', 'running'],
  ['WAITING', '‖', 'waiting for a decision (approval)'],
  ['INTERRUPTED', '⚠', 'interrupted: the writer stopped'],
  ['ABANDONED', '⌀', 'abandoned: never ended, the run finished without it'],
  ['NEVER', '○', 'never ran in this run'],
];
const BY_NAME = new Map(STATES.map(([name, glyph, meaning]) => [name, { glyph, meaning }]));

export function statusBadge(status, title) {
  const s = status || 'UNREADABLE';
  return h('span', { class: `badge status status-${s.toLowerCase()}`, title: title || s }, s);
}

/** A row's status symbol with its meaning as the accessible name. */
export function statusGlyph(status) {
  const known = BY_NAME.get(status) || { glyph: '?', meaning: String(status).toLowerCase() };
  return h('span', { class: `st-icon st-icon-${String(status).toLowerCase()}`, role: 'img', 'aria-label': known.meaning, title: known.meaning }, known.glyph);
}

/** The legend of the row symbols. */
export function legend() {
  return h('div', { class: 'legend small muted', id: 'legend', 'aria-label': 'Legend' },
    STATES.map(([name, glyph, meaning]) => h('span', { class: 'legend-item', title: meaning },
      h('span', { class: `st-icon st-icon-${name.toLowerCase()}`, 'aria-hidden': 'true' }, glyph), ` ${name.toLowerCase()}`)));
}
