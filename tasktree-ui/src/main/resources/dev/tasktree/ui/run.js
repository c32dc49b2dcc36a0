// The run view: header totals, a virtualised tree + waterfall, the detail panel, search within the
// run, filters, keyboard navigation and live updates over Server-Sent Events.
import { getTrace, traceEvents } from './api.js';
import { append, clear, h } from './dom.js';
import { renderDetail, updateDetailClock } from './detail.js';
import * as fmt from './format.js';
import { isError, isLlm, TraceModel } from './model.js';
import { renderRunHeader } from './run-header.js';
import { legend } from './status.js';
import { createTimeline } from './timeline.js';
import { treeKeys } from './tree-keys.js';
import { cssSafe, fillTiming, renderRow, ROW } from './tree-row.js';

const OVERSCAN = 12;
const BIG_GROUP = 20;

export function runView(root, id, initialSpan, { setCrumbs }) {
  setCrumbs(h('a', { href: '/', 'data-link': true }, 'Runs'), h('span', { class: 'mono' }, id));
  document.title = `${id} · TaskTree`;
  let destroyed = false;
  let model = null;
  let source = null;
  let liveTimer = null;
  let frame = 0;
  const collapsed = new Set();
  const touched = new Set(); // groups the user opened or closed (left alone by auto-collapse)
  let visible = [];
  let selected = null;
  let matches = [];
  let matchIndex = -1;
  let needle = '';
  let matchSet = new Set();
  const filters = { errors: false, llm: false };

  const view = h('section', { class: 'run-view' }, h('div', { class: 'loading' }, 'Loading trace…'));
  root.appendChild(view);

  // ---- layout (built once the trace is loaded) ----
  const header = h('div', { class: 'run-header' });
  const searchBox = h('input', { type: 'search', id: 'span-search', placeholder: 'Search this run (names, data, logs, messages)…', 'aria-label': 'Search this run' });
  const matchCount = h('span', { class: 'muted small', id: 'match-count' });
  const prevBtn = h('button', { type: 'button', id: 'search-prev', title: 'Previous match (Shift+Enter)' }, '↑');
  const nextBtn = h('button', { type: 'button', id: 'search-next', title: 'Next match (Enter)' }, '↓');
  const errorsOnly = h('input', { type: 'checkbox', id: 'errors-only' });
  const llmOnly = h('input', { type: 'checkbox', id: 'llm-only' });
  const expandAll = h('button', { type: 'button', id: 'expand-all' }, 'Expand all');
  const collapseAll = h('button', { type: 'button', id: 'collapse-all' }, 'Collapse all');
  const timeline = createTimeline(() => schedule());
  const rows = h('div', { class: 'rows', role: 'presentation' });
  const noMatch = h('div', { class: 'no-match muted', id: 'no-match', hidden: true }, 'No matching spans.');
  // The focusable element is the tree: keyboard focus stays on it, the selected row is its
  // active descendant.
  const scroller = h('div', { class: 'tree-scroll', tabindex: '0', id: 'tree', role: 'tree', 'aria-label': 'Spans', 'aria-multiselectable': 'false' }, rows, noMatch);
  const announcer = h('div', { class: 'sr-only', id: 'announcer', 'aria-live': 'polite', role: 'status' });
  const critical = h('input', { type: 'checkbox', id: 'critical-path' });
  let criticalSet = null;
  const detail = h('aside', { class: 'detail-panel', id: 'detail' }, h('div', { class: 'muted empty-detail' }, 'Select a span to see its details.'));

  function layout() {
    clear(view);
    append(view, 
      header,
      h('div', { class: 'toolbar' },
        searchBox, prevBtn, nextBtn, matchCount,
        h('label', { class: 'check' }, errorsOnly, ' Errors only'),
        h('label', { class: 'check' }, llmOnly, ' LLM only'),
        h('label', { class: 'check', title: 'The chain of spans that decided when the run ended' }, critical, ' Critical path'),
        timeline.controls,
        h('span', { class: 'spacer' }), expandAll, collapseAll),
      legend(), announcer,
      h('div', { class: 'split' },
        h('div', { class: 'tree-pane' },
          h('div', { class: 'tree-head minimap-row' }, h('div', null), h('div', null), timeline.minimap),
          h('div', { class: 'tree-head' }, h('div', null, 'Span'), h('div', { class: 'num' }, 'Duration'), timeline.axis),
          scroller),
        detail));
  }

  function renderHeader() {
    renderRunHeader(header, model, id);
  }

  function renderAxis() {
    timeline.render(model);
  }

  // ---- visible rows ----
  function isGroup(span) {
    return /gather|parallel/i.test(span.kind) && span.children.length > BIG_GROUP;
  }

  function autoCollapse(span) {
    if (!touched.has(span.id) && isGroup(span)) collapsed.add(span.id);
  }

  function keep(span) {
    return (!filters.errors || isError(span)) && (!filters.llm || isLlm(span));
  }

  function computeVisible() {
    const filtering = filters.errors || filters.llm;
    let shown = null;
    if (filtering) {
      shown = new Set();
      for (const s of model.walk()) {
        if (keep(s)) for (let p = s; p && !shown.has(p.id); p = p.parent) shown.add(p.id);
      }
    }
    const out = [];
    const stack = [...model.roots].reverse();
    positions = new Map();
    model.roots.forEach((r, i) => positions.set(r.id, [i + 1, model.roots.length]));
    while (stack.length) {
      const s = stack.pop();
      if (shown && !shown.has(s.id)) continue;
      out.push(s);
      const open = filtering ? !collapsed.has(s.id) || shown.has(s.id) && !keep(s) : !collapsed.has(s.id);
      if (!open) continue;
      const kids = model.kids(s);
      for (let i = kids.length - 1; i >= 0; i--) {
        positions.set(kids[i].id, [i + 1, kids.length]);
        stack.push(kids[i]);
      }
    }
    visible = out;
    rows.style.height = `${visible.length * ROW}px`;
    noMatch.hidden = visible.length > 0;
    noMatch.textContent = filters.errors && filters.llm ? 'No failed LLM spans in this run.'
      : filters.errors ? 'No matching spans: this run has no errors.'
        : filters.llm ? 'No matching spans: this run has no LLM calls.' : 'No spans.';
  }

  function schedule() {
    if (frame || destroyed) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderRows();
    });
  }

  const rowView = {
    get model() { return model; },
    kids: (s) => model.kids(s),
    open: (s) => !collapsed.has(s.id),
    get selected() { return selected; },
    get matchSet() { return matchSet; },
    get current() { return matchIndex >= 0 ? matches[matchIndex] : null; },
    get needle() { return needle; },
    get critical() { return criticalSet; },
    winStart: 0,
    winUs: 1,
    setSize: (s) => (positions.get(s.id) || [1, 1])[1],
    posInSet: (s) => (positions.get(s.id) || [1, 1])[0],
    onToggle: (s) => toggleSpan(s),
    onSelect: (s) => select(s, false),
  };
  let positions = new Map();
  const rowCache = new Map(); // span id -> {el, sig} of the rows on screen

  function renderRows() {
    if (!model) return;
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    const win = timeline.window(model);
    rowView.winStart = win.start;
    rowView.winUs = win.us;
    // Rows already on screen are kept (moved, not rebuilt) unless what they show changed.
    const wanted = new Map();
    for (let i = first; i < last; i++) {
      const s = visible[i];
      const sig = [s.status, s.endUs, s.logs.length, selected === s, matchSet.has(s.id), rowView.current === s,
        criticalSet ? criticalSet.has(s.id) : false, collapsed.has(s.id), model.kids(s).length, needle,
        win.start, win.us, model.summary.status, positions.get(s.id)].join('|');
      const cached = rowCache.get(s.id);
      const reuse = cached && cached.sig === sig;
      const el = reuse ? cached.el : renderRow(rowView, s, i);
      if (reuse && s.endUs === null) fillTiming(rowView, s, el); // a running span's clock moves on
      rowCache.set(s.id, { el, sig });
      el.style.transform = `translateY(${i * ROW}px)`;
      wanted.set(s.id, el);
    }
    for (const [spanId, entry] of rowCache) {
      if (wanted.get(spanId) !== entry.el) rowCache.delete(spanId);
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

  function toggleSpan(s, open) {
    touched.add(s.id);
    const isOpen = !collapsed.has(s.id);
    const want = open === undefined ? !isOpen : open;
    if (want) collapsed.delete(s.id);
    else collapsed.add(s.id);
    computeVisible();
    schedule();
  }

  // ---- selection ----
  function select(s, scroll = true) {
    const changed = selected !== s;
    selected = s;
    const url = new URL(location.href);
    if (s.ghost) url.searchParams.delete('span');
    else url.searchParams.set('span', s.id);
    history.replaceState(null, '', url.pathname + url.search);
    renderDetailPanel();
    // Another span starts at its title, not wherever the previous one was scrolled to.
    if (changed) detail.scrollTop = 0;
    if (scroll) scrollTo(s);
    schedule();
    if (document.activeElement !== searchBox) scroller.focus({ preventScroll: true });
  }

  function renderDetailPanel() {
    clear(detail);
    if (selected) detail.appendChild(renderDetail(model, selected, matchSet.has(selected.id) ? needle : ''));
    else detail.appendChild(h('div', { class: 'muted empty-detail' }, 'Select a span to see its details.'));
  }

  function reveal(s) {
    let changed = false;
    for (let p = s.parent; p; p = p.parent) {
      if (collapsed.delete(p.id)) {
        touched.add(p.id);
        changed = true;
      }
    }
    if ((filters.errors || filters.llm) && !(keep(s))) {
      filters.errors = filters.llm = false;
      errorsOnly.checked = llmOnly.checked = false;
      changed = true;
    }
    if (changed || !visible.includes(s)) computeVisible();
  }

  function scrollTo(s) {
    const i = visible.indexOf(s);
    if (i < 0) return;
    const top = i * ROW;
    if (top < scroller.scrollTop || top + ROW > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 2);
    }
  }

  // ---- search ----
  function runSearch() {
    needle = searchBox.value.trim().toLowerCase();
    matches = [];
    if (needle) for (const s of model.walk()) if (model.searchText(s).includes(needle)) matches.push(s);
    matchSet = new Set(matches.map((s) => s.id));
    matchIndex = -1;
    updateCount();
    renderDetailPanel();
    schedule();
  }

  function updateCount() {
    matchCount.textContent = needle ? (matches.length ? `${matchIndex >= 0 ? matchIndex + 1 : 0} / ${matches.length}` : 'no matches') : '';
  }

  function step(dir) {
    if (!matches.length) return;
    matchIndex = (matchIndex + dir + matches.length) % matches.length;
    const s = matches[matchIndex];
    reveal(s);
    updateCount();
    select(s);
  }

  // ---- keyboard ----
  const onKey = treeKeys({
    get model() { return model; },
    get selected() { return selected; },
    get visible() { return visible; },
    pageRows: () => Math.floor(scroller.clientHeight / ROW),
    isCollapsed: (span) => collapsed.has(span.id),
    select, toggle: toggleSpan, step, timeline,
  });

  function onGlobalKey(e) {
    if (e.key === '/' && document.activeElement !== searchBox && !(e.target instanceof HTMLInputElement)) {
      e.preventDefault();
      searchBox.focus();
      searchBox.select();
    }
  }

  // ---- live ----
  function goLive() {
    if (!model.running() || destroyed) return;
    source = traceEvents(id, model.offset);
    let pending = false;
    source.onmessage = (msg) => {
      let event;
      try {
        event = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      if (msg.lastEventId) model.offset = Number(msg.lastEventId);
      if (event.type === 'trace_end' || event.type === 'stale' || event.type === 'reset') {
        source.close();
        source = null;
        if (event.type === 'trace_end') {
          model.apply(event);
          announce(`Run finished: ${event.status}`);
        }
        reload();
        return;
      }
      const s = model.apply(event);
      if (s && event.type === 'start') {
        newSpans++;
        if (s.parent) autoCollapse(s.parent);
        if (needle && model.searchText(s).includes(needle)) { matches.push(s); matchSet.add(s.id); updateCount(); }
      }
      if (s && selected === s) pending = true;
      dirty();
      if (pending) { pending = false; renderDetailPanel(); }
    };
    source.onerror = () => {
      // EventSource reconnects by itself with Last-Event-ID; nothing to do.
    };
    liveTimer = setInterval(() => {
      if (!model.running()) return;
      renderHeader();
      renderAxis();
      schedule();
      if (selected) updateDetailClock(detail, model, selected);
      if (newSpans) {
        announce(`${newSpans} new span${newSpans === 1 ? '' : 's'}`);
        newSpans = 0;
      }
    }, 1000);
  }

  let newSpans = 0;
  function announce(text) {
    announcer.textContent = text;
  }



  let dirtyFrame = 0;
  function dirty() {
    if (dirtyFrame) return;
    dirtyFrame = requestAnimationFrame(() => {
      dirtyFrame = 0;
      computeVisible();
      renderHeader();
      renderAxis();
      renderRows();
    });
  }

  async function reload() {
    try {
      const trace = await getTrace(id);
      if (destroyed) return;
      const keepId = selected ? selected.id : null;
      model = new TraceModel(trace);
      rowCache.clear();
      selected = keepId ? model.spans.get(keepId) || null : null;
      if (criticalSet) criticalSet = model.criticalPath();
      if (needle) runSearch();
      computeVisible();
      renderHeader();
      renderAxis();
      renderRows();
      renderDetailPanel();
      if (liveTimer && !model.running()) { clearInterval(liveTimer); liveTimer = null; }
      if (model.running() && !source) goLive();
    } catch (e) {
      // keep what is shown
    }
  }

  // ---- start ----
  (async () => {
    let trace;
    try {
      trace = await getTrace(id);
    } catch (e) {
      clear(view);
      view.appendChild(h('div', { class: 'empty' },
        h('h2', null, e.status === 404 ? 'No such run' : e.status === 400 ? 'Invalid run id' : 'Cannot open this run'),
        h('p', null, e.message),
        h('p', null, h('a', { href: '/', 'data-link': true }, '← All runs'))));
      return;
    }
    if (destroyed) return;
    model = new TraceModel(trace);
    performance.mark('tt:model');
    document.title = `${model.summary.name} · TaskTree`;
    for (const s of model.spans.values()) autoCollapse(s);
    layout();
    computeVisible();
    renderHeader();
    renderAxis();
    const target = initialSpan ? model.spans.get(initialSpan) : null;
    if (target) {
      reveal(target);
      select(target);
    }
    renderRows();
    performance.mark('tt:rendered');
    scroller.addEventListener('scroll', schedule, { passive: true });
    scroller.addEventListener('wheel', (e) => {
      const wf = scroller.querySelector('.cell-wf');
      if (wf) timeline.wheel(e, wf.getBoundingClientRect());
    }, { passive: false });
    window.addEventListener('resize', schedule);
    scroller.addEventListener('keydown', onKey);
    document.addEventListener('keydown', onGlobalKey);
    let searchTimer = null;
    searchBox.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 200); });
    searchBox.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(searchTimer);
        if (searchBox.value.trim().toLowerCase() !== needle) runSearch();
        step(e.shiftKey ? -1 : 1);
        searchBox.focus();
      } else if (e.key === 'Escape') {
        searchBox.value = '';
        runSearch();
      }
    });
    nextBtn.addEventListener('click', () => { if (searchBox.value.trim().toLowerCase() !== needle) runSearch(); step(1); });
    prevBtn.addEventListener('click', () => { if (searchBox.value.trim().toLowerCase() !== needle) runSearch(); step(-1); });
    errorsOnly.addEventListener('change', () => { filters.errors = errorsOnly.checked; computeVisible(); schedule(); });
    llmOnly.addEventListener('change', () => { filters.llm = llmOnly.checked; computeVisible(); schedule(); });
    critical.addEventListener('change', () => { criticalSet = critical.checked ? model.criticalPath() : null; schedule(); });
    expandAll.addEventListener('click', () => {
      for (const s of model.spans.values()) if (s.children.length) touched.add(s.id);
      collapsed.clear();
      computeVisible();
      schedule();
    });
    collapseAll.addEventListener('click', () => {
      for (const s of model.spans.values()) if (model.kids(s).length) { collapsed.add(s.id); touched.add(s.id); }
      computeVisible();
      schedule();
    });
    goLive();
  })();

  return {
    destroy() {
      destroyed = true;
      if (source) source.close();
      if (liveTimer) clearInterval(liveTimer);
      window.removeEventListener('resize', schedule);
      document.removeEventListener('keydown', onGlobalKey);
    },
  };
}
