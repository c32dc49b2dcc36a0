// The run view's detail panel: the selected span's details (detail.js), or a hint.
import { clear, h } from './dom.js';
import { renderDetail, updateDetailClock } from './detail.js';

function hint() {
  return h('div', { class: 'muted empty-detail' }, 'Select a span to see its details.');
}

export function createDetailPanel() {
  const el = h('aside', { class: 'detail-panel', id: 'detail' }, hint());
  return {
    el,
    /** Shows `span` of `model` (or the hint for null), `needle` highlighted. */
    show(model, span, needle) {
      clear(el);
      el.appendChild(span ? renderDetail(model, span, needle) : hint());
    },
    /** Back to the top: another span starts at its title. */
    toTop() {
      el.scrollTop = 0;
    },
    /** Advances a running span's duration. */
    tick(model, span) {
      updateDetailClock(el, model, span);
    },
  };
}
