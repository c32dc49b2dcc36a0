// The run view: header totals, a virtualised tree + waterfall, the detail panel, search within the
// run, filters, keyboard navigation and live updates over Server-Sent Events.
import { getTrace, traceEvents } from './api.js';
import { append, clear, h, highlighted } from './dom.js';
import { renderDetail } from './detail.js';
import * as fmt from './format.js';
import { statusBadge } from './list.js';
import { ATTEMPT, COST, INDEX, INPUT_TOKENS, isError, isLlm, OUTPUT_TOKENS, TraceModel } from './model.js';

const ROW = 28;
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
  const axis = h('div', { class: 'axis' });
  const rows = h('div', { class: 'rows', role: 'tree', 'aria-label': 'Spans' });
  const scroller = h('div', { class: 'tree-scroll', tabindex: '0', id: 'tree' }, rows);
  const detail = h('aside', { class: 'detail-panel', id: 'detail' }, h('div', { class: 'muted empty-detail' }, 'Select a span to see its details.'));

  function layout() {
    clear(view);
    append(view, 
      header,
      h('div', { class: 'toolbar' },
        searchBox, prevBtn, nextBtn, matchCount,
        h('label', { class: 'check' }, errorsOnly, ' Errors only'),
        h('label', { class: 'check' }, llmOnly, ' LLM only'),
        h('span', { class: 'spacer' }), expandAll, collapseAll),
      h('div', { class: 'split' },
        h('div', { class: 'tree-pane' },
          h('div', { class: 'tree-head' }, h('div', null, 'Span'), h('div', { class: 'num' }, 'Duration'), axis),
          scroller),
        detail));
  }

  function renderHeader() {
    const s = model.summary;
    clear(header);
    append(header, 
      h('div', { class: 'run-title' },
        h('h1', null, s.name ?? id),
        statusBadge(s.status),
        model.running() ? h('span', { class: 'badge live', id: 'live-badge' }, 'LIVE') : null),
      h('div', { class: 'run-id mono muted' }, id),
      h('div', { class: 'totals' },
        total('Started', fmt.absolute(s.start), fmt.relative(s.start)),
        total('Duration', fmt.duration(model.running() ? model.endUs() - model.startUs : s.durationUs)),
        total('Spans', fmt.count(s.spanCount)),
        total('Errors', fmt.count(s.errorCount), null, s.errorCount ? 'has-errors' : ''),
        total('Tokens', fmt.tokens(s.inputTokens, s.outputTokens), 'input / output'),
        total('Cost', fmt.cost(s.costUsd)),
        s.corruptLines ? total('Skipped lines', fmt.count(s.corruptLines), 'lines that could not be read') : null));
  }

  function total(label, value, hint, cls) {
    return h('div', { class: `total ${cls || ''}`, title: hint || '' },
      h('div', { class: 'total-label' }, label), h('div', { class: 'total-value' }, value));
  }

  function renderAxis() {
    clear(axis);
    const span = model.endUs() - model.startUs;
    for (const f of [0, 0.25, 0.5, 0.75]) {
      const tick = h('span', { class: 'tick' }, fmt.duration(span * f));
      tick.style.left = `${f * 100}%`;
      axis.appendChild(tick);
    }
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
    while (stack.length) {
      const s = stack.pop();
      if (shown && !shown.has(s.id)) continue;
      out.push(s);
      const open = filtering ? !collapsed.has(s.id) || shown.has(s.id) && !keep(s) : !collapsed.has(s.id);
      if (open) for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
    }
    visible = out;
    rows.style.height = `${visible.length * ROW}px`;
  }

  function schedule() {
    if (frame || destroyed) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderRows();
    });
  }

  function renderRows() {
    if (!model) return;
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    const startUs = model.startUs;
    const totalUs = model.endUs() - startUs;
    const nowUs = Date.now() * 1000;
    clear(rows);
    for (let i = first; i < last; i++) {
      const s = visible[i];
      rows.appendChild(row(s, i, startUs, totalUs, nowUs));
    }
  }

  function row(s, i, startUs, totalUs, nowUs) {
    const end = s.endUs ?? nowUs;
    const dur = Math.max(0, end - s.startUs);
    const hasKids = s.children.length > 0;
    const open = hasKids && !collapsed.has(s.id);
    const a = s.attributes;
    const classes = ['row', `st-${s.status.toLowerCase()}`];
    if (selected === s) classes.push('selected');
    if (matchSet.has(s.id)) classes.push('match');
    if (matchIndex >= 0 && matches[matchIndex] === s) classes.push('current');
    const el = h('div', {
      class: classes.join(' '), role: 'treeitem', 'data-span-id': s.id, 'aria-level': s.depth + 1,
      'aria-expanded': hasKids ? String(open) : null, 'aria-selected': String(selected === s),
    });
    el.style.top = `${i * ROW}px`;
    const toggle = h('span', { class: `toggle ${hasKids ? '' : 'leaf'}`, title: hasKids ? (open ? 'Collapse' : `Expand (${s.children.length})`) : null },
      hasKids ? (open ? '▾' : '▸') : '');
    if (hasKids) toggle.addEventListener('click', (e) => { e.stopPropagation(); toggleSpan(s); });
    const label = h('div', { class: 'cell-name' });
    label.style.paddingLeft = `${s.depth * 16 + 4}px`;
    append(label, 
      toggle,
      h('span', { class: `badge kind kind-${s.kind.toLowerCase().replace(/[^a-z]/g, '')}` }, s.kind),
      h('span', { class: 'name' }, highlighted(s.name, matchSet.has(s.id) ? needle : '')),
      a[ATTEMPT] !== undefined ? h('span', { class: 'badge attempt', title: 'attempt / iteration' }, `#${Number(a[ATTEMPT]) + 1}`) : null,
      a[INDEX] !== undefined ? h('span', { class: 'badge attempt', title: 'item index' }, `[${a[INDEX]}]`) : null,
      hasKids && !open ? h('span', { class: 'muted small' }, ` ${s.children.length} children`) : null,
      isLlm(s) ? h('span', { class: 'llm-usage muted small' },
        `${fmt.count(a[INPUT_TOKENS] ?? 0)}→${fmt.count(a[OUTPUT_TOKENS] ?? 0)} tok`, a[COST] ? ` · ${fmt.cost(Number(a[COST]))}` : '') : null,
      s.error ? h('span', { class: 'err-dot', title: s.error.type }, '!') : null);
    const bar = h('div', { class: 'bar', title: `${fmt.duration(dur)} at +${fmt.duration(s.startUs - startUs)}` });
    bar.style.left = `${((s.startUs - startUs) / totalUs) * 100}%`;
    bar.style.width = `${Math.max((dur / totalUs) * 100, 0.15)}%`;
    append(el, label,
      h('div', { class: 'cell-dur num' }, s.endUs === null ? `${fmt.duration(dur)}…` : fmt.duration(dur)),
      h('div', { class: 'cell-wf' }, bar));
    el.addEventListener('click', () => select(s, false));
    return el;
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
    selected = s;
    const url = new URL(location.href);
    url.searchParams.set('span', s.id);
    history.replaceState(null, '', url.pathname + url.search);
    renderDetailPanel();
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
  function onKey(e) {
    if (!model) return;
    const i = selected ? visible.indexOf(selected) : -1;
    const go = (j) => { if (visible[j]) select(visible[j]); };
    switch (e.key) {
      case 'ArrowDown': go(Math.min(visible.length - 1, i + 1)); break;
      case 'ArrowUp': go(Math.max(0, i - 1)); break;
      case 'Home': go(0); break;
      case 'End': go(visible.length - 1); break;
      case 'PageDown': go(Math.min(visible.length - 1, i + Math.floor(scroller.clientHeight / ROW))); break;
      case 'PageUp': go(Math.max(0, i - Math.floor(scroller.clientHeight / ROW))); break;
      case 'ArrowRight':
        if (!selected) go(0);
        else if (selected.children.length && collapsed.has(selected.id)) toggleSpan(selected, true);
        else if (selected.children.length) go(i + 1);
        break;
      case 'ArrowLeft':
        if (!selected) break;
        if (selected.children.length && !collapsed.has(selected.id)) toggleSpan(selected, false);
        else if (selected.parent) select(selected.parent);
        break;
      case 'Enter': case ' ':
        if (selected && selected.children.length) toggleSpan(selected);
        break;
      case 'n': step(1); break;
      case 'N': step(-1); break;
      default: return;
    }
    e.preventDefault();
  }

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
        if (event.type === 'trace_end') model.apply(event);
        reload();
        return;
      }
      const s = model.apply(event);
      if (s && event.type === 'start') {
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
    liveTimer = setInterval(() => { if (model.running()) { renderHeader(); renderAxis(); schedule(); } }, 1000);
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
      selected = keepId ? model.spans.get(keepId) || null : null;
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
    scroller.addEventListener('scroll', schedule, { passive: true });
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
    expandAll.addEventListener('click', () => {
      for (const s of model.spans.values()) if (s.children.length) touched.add(s.id);
      collapsed.clear();
      computeVisible();
      schedule();
    });
    collapseAll.addEventListener('click', () => {
      for (const s of model.spans.values()) if (s.children.length) { collapsed.add(s.id); touched.add(s.id); }
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
