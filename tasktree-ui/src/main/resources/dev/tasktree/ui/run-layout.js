// The run view's elements and their layout: header, toolbar (search, filters, zoom, expand and
// collapse), legend, the tree pane with its minimap and axis, and the detail panel.
import { append, clear, h } from './dom.js';
import { legend } from './status.js';

/**
 * Builds the controls of a run view. `timeline` gives the zoom controls, minimap and axis;
 * `detail` is the detail panel's element. Call layout(view) once the trace is loaded.
 */
export function createRunLayout(timeline, detail) {
  const ui = {
    header: h('div', { class: 'run-header' }),
    searchBox: h('input', { type: 'search', id: 'span-search', placeholder: 'Search this run (names, data, logs, messages)…', 'aria-label': 'Search this run' }),
    matchCount: h('span', { class: 'muted small', id: 'match-count' }),
    prevBtn: h('button', { type: 'button', id: 'search-prev', title: 'Previous match (Shift+Enter)' }, '↑'),
    nextBtn: h('button', { type: 'button', id: 'search-next', title: 'Next match (Enter)' }, '↓'),
    errorsOnly: h('input', { type: 'checkbox', id: 'errors-only' }),
    llmOnly: h('input', { type: 'checkbox', id: 'llm-only' }),
    critical: h('input', { type: 'checkbox', id: 'critical-path' }),
    expandAll: h('button', { type: 'button', id: 'expand-all' }, 'Expand all'),
    collapseAll: h('button', { type: 'button', id: 'collapse-all' }, 'Collapse all'),
    rows: h('div', { class: 'rows', role: 'presentation' }),
    noMatch: h('div', { class: 'no-match muted', id: 'no-match', hidden: true }, 'No matching spans.'),
    announcer: h('div', { class: 'sr-only', id: 'announcer', 'aria-live': 'polite', role: 'status' }),
  };
  // The focusable element is the tree: keyboard focus stays on it, the selected row is its
  // active descendant.
  ui.scroller = h('div', { class: 'tree-scroll', tabindex: '0', id: 'tree', role: 'tree', 'aria-label': 'Spans', 'aria-multiselectable': 'false' }, ui.rows, ui.noMatch);

  ui.layout = (view) => {
    clear(view);
    append(view,
      ui.header,
      h('div', { class: 'toolbar' },
        ui.searchBox, ui.prevBtn, ui.nextBtn, ui.matchCount,
        h('label', { class: 'check' }, ui.errorsOnly, ' Errors only'),
        h('label', { class: 'check' }, ui.llmOnly, ' LLM only'),
        h('label', { class: 'check', title: 'The chain of spans that decided when the run ended' }, ui.critical, ' Critical path'),
        timeline.controls,
        h('span', { class: 'spacer' }), ui.expandAll, ui.collapseAll),
      legend(), ui.announcer,
      h('div', { class: 'split' },
        h('div', { class: 'tree-pane' },
          h('div', { class: 'tree-head minimap-row' }, h('div', null), h('div', null), timeline.minimap),
          h('div', { class: 'tree-head' }, h('div', null, 'Span'), h('div', { class: 'num' }, 'Duration'), timeline.axis),
          ui.scroller),
        detail));
  };
  return ui;
}

/** What the view shows when the trace cannot be loaded (`e` an ApiError or any error). */
export function loadErrorView(e) {
  return h('div', { class: 'empty' },
    h('h2', null, e.status === 404 ? 'No such run' : e.status === 400 ? 'Invalid run id' : 'Cannot open this run'),
    h('p', null, e.message),
    h('p', null, h('a', { href: '/', 'data-link': true }, '← All runs')));
}
