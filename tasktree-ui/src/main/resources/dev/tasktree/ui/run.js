// The run view: wires the header totals, the virtualised tree + waterfall (run-visible.js,
// run-window.js), the detail panel, search within the run (run-search.js), filters, keyboard
// navigation and live updates (run-live.js) around one TraceModel.
import { getTrace } from './api.js';
import { clear, h } from './dom.js';
import { TraceModel } from './model.js';
import { createDetailPanel } from './run-detail-panel.js';
import { renderRunHeader } from './run-header.js';
import { createRunLayout, loadErrorView } from './run-layout.js';
import { createLive } from './run-live.js';
import { RunSearch } from './run-search.js';
import { VisibleRows } from './run-visible.js';
import { createRowWindow } from './run-window.js';
import { createTimeline } from './timeline.js';
import { treeKeys } from './tree-keys.js';

export function runView(root, id, initialSpan, { setCrumbs }) {
  setCrumbs(h('a', { href: '/', 'data-link': true }, 'Runs'), h('span', { class: 'mono' }, id));
  document.title = `${id} · TaskTree`;
  let destroyed = false;
  let model = null;
  let frame = 0;
  let selected = null;
  let criticalSet = null;
  const vis = new VisibleRows();
  const search = new RunSearch();

  const view = h('section', { class: 'run-view' }, h('div', { class: 'loading' }, 'Loading trace…'));
  root.appendChild(view);

  const timeline = createTimeline(() => schedule());
  const detail = createDetailPanel();
  const ui = createRunLayout(timeline, detail.el);
  const { searchBox, scroller } = ui;
  const rowWindow = createRowWindow(ui.rows, scroller, ui.noMatch);

  function renderHeader() {
    renderRunHeader(ui.header, model, id);
  }

  function renderAxis() {
    timeline.render(model);
  }

  function computeVisible() {
    rowWindow.resize(vis.compute(model).length, vis.emptyText());
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
    open: (s) => !vis.isCollapsed(s),
    get selected() { return selected; },
    get matchSet() { return search.matchSet; },
    get current() { return search.current; },
    get needle() { return search.needle; },
    get critical() { return criticalSet; },
    winStart: 0,
    winUs: 1,
    setSize: (s) => vis.setSize(s),
    posInSet: (s) => vis.posInSet(s),
    onToggle: (s) => toggleSpan(s),
    onSelect: (s) => select(s, false),
  };

  function renderRows() {
    if (!model) return;
    rowWindow.render(rowView, vis.list, timeline.window(model));
  }

  function toggleSpan(s, open) {
    vis.toggle(s, open);
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
    if (changed) detail.toTop();
    if (scroll) rowWindow.scrollTo(vis.list, s);
    schedule();
    if (document.activeElement !== searchBox) scroller.focus({ preventScroll: true });
  }

  function renderDetailPanel() {
    detail.show(model, selected, selected ? search.needleFor(selected) : '');
  }

  function reveal(s) {
    const { recompute, unfiltered } = vis.reveal(s);
    if (unfiltered) ui.errorsOnly.checked = ui.llmOnly.checked = false;
    if (recompute) computeVisible();
  }

  // ---- search ----
  function runSearch() {
    search.run(model, searchBox.value);
    updateCount();
    renderDetailPanel();
    schedule();
  }

  function updateCount() {
    ui.matchCount.textContent = search.countText();
  }

  function step(dir) {
    const s = search.step(dir);
    if (!s) return;
    reveal(s);
    updateCount();
    select(s);
  }

  function searchAgainIfEdited() {
    if (search.stale(searchBox.value)) runSearch();
  }

  // ---- keyboard ----
  const onKey = treeKeys({
    get model() { return model; },
    get selected() { return selected; },
    get visible() { return vis.list; },
    pageRows: () => rowWindow.pageRows(),
    isCollapsed: (span) => vis.isCollapsed(span),
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
  const live = createLive(id, {
    model: () => model,
    destroyed: () => destroyed,
    started(s) {
      if (s.parent) vis.autoCollapse(s.parent);
      if (search.offer(model, s)) updateCount();
    },
    changed(s) {
      dirty();
      if (s && selected === s) renderDetailPanel();
    },
    ended: () => reload(),
    tick() {
      renderHeader();
      renderAxis();
      schedule();
      if (selected) detail.tick(model, selected);
    },
    announce: (text) => { ui.announcer.textContent = text; },
  });

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
      rowWindow.clear();
      selected = keepId ? model.spans.get(keepId) || null : null;
      if (criticalSet) criticalSet = model.criticalPath();
      if (search.needle) runSearch();
      computeVisible();
      renderHeader();
      renderAxis();
      renderRows();
      renderDetailPanel();
      live.settle();
      if (model.running() && !live.connected) live.follow();
    } catch (e) {
      // keep what is shown
    }
  }

  function listen() {
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
        searchAgainIfEdited();
        step(e.shiftKey ? -1 : 1);
        searchBox.focus();
      } else if (e.key === 'Escape') {
        searchBox.value = '';
        runSearch();
      }
    });
    ui.nextBtn.addEventListener('click', () => { searchAgainIfEdited(); step(1); });
    ui.prevBtn.addEventListener('click', () => { searchAgainIfEdited(); step(-1); });
    ui.errorsOnly.addEventListener('change', () => { vis.filters.errors = ui.errorsOnly.checked; computeVisible(); schedule(); });
    ui.llmOnly.addEventListener('change', () => { vis.filters.llm = ui.llmOnly.checked; computeVisible(); schedule(); });
    ui.critical.addEventListener('change', () => { criticalSet = ui.critical.checked ? model.criticalPath() : null; schedule(); });
    ui.expandAll.addEventListener('click', () => {
      vis.expandAll(model);
      computeVisible();
      schedule();
    });
    ui.collapseAll.addEventListener('click', () => {
      vis.collapseAll(model);
      computeVisible();
      schedule();
    });
  }

  // ---- start ----
  (async () => {
    let trace;
    try {
      trace = await getTrace(id);
    } catch (e) {
      clear(view);
      view.appendChild(loadErrorView(e));
      return;
    }
    if (destroyed) return;
    model = new TraceModel(trace);
    performance.mark('tt:model');
    document.title = `${model.summary.name} · TaskTree`;
    for (const s of model.spans.values()) vis.autoCollapse(s);
    ui.layout(view);
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
    listen();
    live.follow();
  })();

  return {
    destroy() {
      destroyed = true;
      live.close();
      window.removeEventListener('resize', schedule);
      document.removeEventListener('keydown', onGlobalKey);
    },
  };
}
