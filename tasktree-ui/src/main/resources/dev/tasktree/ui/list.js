// The runs list: search, status filter (several at once), filters by model, tag, time, duration
// and cost (list-filters.js), sort (menu or column headers), a virtualised grid that pages in as it scrolls, whole-row click, live refresh, empty state.
import { health, listTraces } from './api.js';
import { append, clear, h } from './dom.js';
import * as fmt from './format.js';
import { filterControls, filterParams, parseFilters } from './list-filters.js';
import { statusBadge } from './status.js';

export { statusBadge };

const PAGE = 200;
const ROW_HEIGHT = 52;
const OVERSCAN = 8;
const STATUSES = ['OK', 'FAIL', 'RUNNING', 'WAITING', 'CANCELLED', 'INTERRUPTED', 'UNREADABLE'];
const SORTS = [
  ['start:desc', 'Newest first'],
  ['start:asc', 'Oldest first'],
  ['duration:desc', 'Longest first'],
  ['duration:asc', 'Shortest first'],
  ['cost:desc', 'Most expensive first'],
  ['cost:asc', 'Cheapest first'],
];
const COLUMNS = [
  ['run', 'Run', null],
  ['start', 'Started', 'start'],
  ['duration', 'Duration', 'duration'],
  ['status', 'Status', null],
  ['spans', 'Spans', null],
  ['errors', 'Errors', null],
  ['tokens', 'Tokens', null],
  ['cost', 'Cost', 'cost'],
];

/** The statuses named in a URL's status parameter (comma-separated or repeated), known ones only. */
function parseStatuses(params) {
  const out = new Set();
  for (const value of params.getAll('status')) {
    for (const s of value.split(',')) {
      const name = s.trim().toUpperCase();
      if (STATUSES.includes(name)) out.add(name);
    }
  }
  return out;
}

function parseSort(params) {
  const key = (params.get('sort') || 'start').toLowerCase();
  const order = (params.get('order') || 'desc').toLowerCase();
  return `${key}:${order}`;
}

export function listView(root, { navigate, setCrumbs }) {
  setCrumbs(h('span', null, 'Runs'));
  document.title = 'TaskTree traces';
  const params = new URLSearchParams(location.search);
  const state = {
    q: params.get('q') || '',
    statuses: parseStatuses(params),
    sort: parseSort(params),
    filters: parseFilters(params),
    cursor: null,
    loading: false,
    done: false,
    items: [],
    ids: new Map(),
    total: 0,
    generation: 0,
  };
  let destroyed = false;
  let controller = new AbortController();

  const search = h('input', {
    type: 'search', id: 'run-search', placeholder: 'Search runs by name or id…',
    value: state.q, 'aria-label': 'Search runs',
  });
  const statusBoxes = STATUSES.map((s) => h('input', { type: 'checkbox', name: 'status', value: s, checked: state.statuses.has(s) }));
  const statusFilter = h('fieldset', { class: 'status-filter', id: 'status-filter' },
    h('legend', { class: 'sr-only' }, 'Statuses'),
    h('span', { class: 'muted small', 'aria-hidden': 'true' }, 'Status:'),
    STATUSES.map((s, i) => h('label', { class: `chip status-chip-${s.toLowerCase()}` }, statusBoxes[i], ` ${s}`)));
  const sort = h('select', { id: 'sort', 'aria-label': 'Sort' },
    SORTS.map(([v, label]) => h('option', { value: v, selected: v === state.sort }, label)));
  if (!SORTS.some(([v]) => v === state.sort)) {
    sort.appendChild(h('option', { value: state.sort, selected: true }, state.sort));
  }
  const summary = h('span', { class: 'muted', id: 'list-summary', 'aria-live': 'polite' });
  const headCells = COLUMNS.map(([key, label, sortKey]) => {
    const cell = h('div', { class: `cell c-${key}`, role: 'columnheader' });
    if (sortKey) {
      cell.appendChild(h('button', { type: 'button', class: 'sort-head', 'data-sort': sortKey, on: { click: () => sortBy(sortKey) } }, label));
    } else {
      cell.textContent = label;
    }
    return cell;
  });
  const head = h('div', { class: 'runs-head', role: 'row' }, headCells);
  const body = h('div', { class: 'runs-body', role: 'rowgroup' });
  const scroller = h('div', { class: 'runs-scroll', id: 'runs-scroll' }, body);
  const grid = h('div', { class: 'runs', id: 'runs', role: 'table', 'aria-label': 'Runs', 'aria-rowcount': '0' },
    h('div', { role: 'rowgroup', class: 'runs-headgroup' }, head), scroller);
  const empty = h('div', { class: 'empty', hidden: true });
  const banner = h('div', { class: 'banner', hidden: true });

  const filters = filterControls(state.filters, (values) => {
    state.filters = values;
    syncUrl();
    reset();
  });

  root.appendChild(h('section', { class: 'list-view' },
    h('div', { class: 'toolbar' }, search, statusFilter, sort, h('span', { class: 'spacer' }), summary),
    filters.element, banner, grid, empty));

  function query(extra) {
    const [sortKey, order] = state.sort.split(':');
    return {
      q: state.q, status: [...state.statuses].join(','), ...filterParams(state.filters),
      sort: sortKey, order, limit: PAGE, ...extra,
    };
  }

  function syncUrl() {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.statuses.size) p.set('status', [...state.statuses].join(','));
    for (const [name, value] of Object.entries(filterParams(state.filters))) {
      for (const v of [].concat(value)) p.append(name, v);
    }
    const [sortKey, order] = state.sort.split(':');
    if (sortKey !== 'start') p.set('sort', sortKey);
    if (order !== 'desc') p.set('order', order);
    const qs = p.toString();
    history.replaceState(null, '', qs ? `/?${qs}` : '/');
  }

  function showSort() {
    const [key, order] = state.sort.split(':');
    sort.value = state.sort;
    for (const cell of headCells) {
      const button = cell.querySelector('button');
      const sorted = button && button.dataset.sort === key;
      if (sorted) cell.setAttribute('aria-sort', order === 'asc' ? 'ascending' : 'descending');
      else cell.removeAttribute('aria-sort');
      if (button) button.dataset.arrow = sorted ? (order === 'asc' ? '▲' : '▼') : '';
    }
  }

  function sortBy(key) {
    const [current, order] = state.sort.split(':');
    state.sort = `${key}:${current === key && order === 'desc' ? 'asc' : 'desc'}`;
    showSort();
    syncUrl();
    reset();
  }

  // ---- rows (only those on screen exist) ----
  const rendered = new Map(); // id -> element

  function fill(el, t) {
    // A live refresh sends rows again: only a changed run is redrawn.
    const signature = JSON.stringify(t);
    if (el.dataset.signature === signature) return;
    el.dataset.signature = signature;
    clear(el);
    const href = `/traces/${encodeURIComponent(t.id)}`;
    const name = t.unreadable ? '(unreadable file)' : t.name;
    const dash = (v) => (t.unreadable ? '–' : v);
    append(el,
      h('div', { class: 'cell c-run', role: 'cell' },
        h('a', { href, 'data-link': true, class: 'run-name' }, name),
        h('div', { class: 'run-id mono' }, t.unreadable ? t.reason : t.id)),
      h('div', { class: 'cell c-start', role: 'cell', title: t.start },
        h('div', null, fmt.relative(t.start)),
        h('div', { class: 'muted small' }, fmt.absolute(t.start))),
      h('div', { class: 'cell c-duration num', role: 'cell' }, dash(fmt.duration(t.durationUs))),
      h('div', { class: 'cell c-status', role: 'cell' }, statusBadge(t.status, t.reason)),
      h('div', { class: 'cell c-spans num', role: 'cell' }, dash(fmt.count(t.spanCount))),
      h('div', { class: `cell c-errors num ${t.errorCount ? 'has-errors' : ''}`, role: 'cell' }, dash(fmt.count(t.errorCount))),
      h('div', { class: 'cell c-tokens num', role: 'cell' }, dash(fmt.tokens(t.inputTokens, t.outputTokens))),
      h('div', { class: 'cell c-cost num', role: 'cell' }, dash(fmt.cost(t.costUsd))));
  }

  // What each rendered row shows: its item and relative start. A row is refilled only when that
  // changed, not on every scroll frame (rebuilding 40 rows of cells per frame dropped frames).
  const shown = new WeakMap();

  function rowElement(t) {
    let el = rendered.get(t.id);
    if (!el) {
      el = h('div', { class: `run-row ${t.unreadable ? 'unreadable' : ''}`, role: 'row', 'data-id': t.id });
      rendered.set(t.id, el);
    }
    const relative = fmt.relative(t.start);
    const last = shown.get(el);
    if (!last || last.item !== t || last.relative !== relative) {
      fill(el, t);
      shown.set(el, { item: t, relative });
    }
    return el;
  }

  let frame = 0;
  function schedule() {
    if (frame || destroyed) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderWindow();
    });
  }

  function renderWindow() {
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(state.items.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    body.style.height = `${state.items.length * ROW_HEIGHT}px`;
    grid.setAttribute('aria-rowcount', String(state.total + 1));
    const keep = new Set();
    for (let i = first; i < last; i++) {
      const t = state.items[i];
      const el = rowElement(t);
      el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
      el.setAttribute('aria-rowindex', String(i + 2));
      keep.add(t.id);
      if (el.parentNode !== body) body.appendChild(el);
    }
    for (const [id, el] of rendered) {
      if (!keep.has(id)) {
        el.remove();
        rendered.delete(id);
      }
    }
    // Page in before the end of what is loaded comes on screen.
    if (!state.done && !state.loading && last >= state.items.length - OVERSCAN * 4) loadMore();
  }

  // Whole-row click opens the run (the name stays a real link: middle-click, ctrl-click, copy).
  body.addEventListener('click', (e) => {
    if (e.target.closest('a') || e.button !== 0) return;
    if (window.getSelection && String(window.getSelection()).length) return; // selecting text
    const row = e.target.closest('.run-row');
    if (row) navigate(`/traces/${encodeURIComponent(row.dataset.id)}`);
  });
  scroller.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);

  function add(t, atTop) {
    if (state.ids.has(t.id)) return false;
    state.ids.set(t.id, t);
    if (atTop) state.items.unshift(t);
    else state.items.push(t);
    return true;
  }

  function showSummary(page) {
    state.total = page.total;
    summary.textContent = `${fmt.count(page.total)} run${page.total === 1 ? '' : 's'}`;
    banner.hidden = !page.indexing;
    banner.textContent = page.indexing ? 'Indexing the trace directory… the list fills in as files are read.' : '';
  }

  async function showEmpty() {
    const filtered = state.q || state.statuses.size || filters.active();
    clear(empty);
    empty.hidden = false;
    grid.hidden = true;
    if (filtered) {
      append(empty, h('h2', null, 'No runs match'), h('p', null, 'Clear the search, the status filter or the filters to see every run.'));
      return;
    }
    let dir = '.traces';
    try {
      dir = (await health()).traceDir;
    } catch (e) {
      // keep the default
    }
    append(empty,
      h('h2', null, 'No runs yet'),
      h('p', null, 'This server shows the trace files in ', h('code', null, dir),
        '. Runs appear here as soon as they start — no reload needed.'),
      h('p', null, 'Write traces by giving a run a trace directory:'),
      h('pre', { class: 'code' },
        'Result result = tree.run(blackboard,\n' +
        '    RunOptions.defaults().withTraceDir(Path.of(".traces")));'),
      h('p', { class: 'muted' }, 'Then start this server in the same working directory: ',
        h('code', null, 'java -jar tasktree-trace-server.jar --trace-dir .traces')));
  }

  function showRows() {
    empty.hidden = true;
    grid.hidden = false;
  }

  async function reset() {
    controller.abort();
    controller = new AbortController();
    state.generation++;
    state.cursor = null;
    state.done = false;
    state.loading = false;
    state.items = [];
    state.ids.clear();
    for (const el of rendered.values()) el.remove();
    rendered.clear();
    scroller.scrollTop = 0;
    await loadMore();
  }

  async function loadMore() {
    if (state.loading || state.done || destroyed) return;
    state.loading = true;
    const generation = state.generation;
    try {
      const page = await listTraces(query({ cursor: state.cursor }), controller.signal);
      if (generation !== state.generation) return;
      banner.classList.remove('error');
      showSummary(page);
      filters.learn(page.items);
      for (const t of page.items) add(t, false);
      state.cursor = page.nextCursor;
      state.done = !page.nextCursor;
      if (state.items.length === 0) await showEmpty();
      else showRows();
    } catch (e) {
      if (e.name !== 'AbortError') {
        banner.hidden = false;
        banner.textContent = `Cannot load runs: ${e.message}`;
        if (e.status === 400) {
          // A filter the server refused: say why, and show no rows from before.
          banner.classList.add('error');
          empty.hidden = true;
          grid.hidden = true;
        }
      }
    } finally {
      if (generation === state.generation) state.loading = false;
    }
    if (generation === state.generation) schedule();
  }

  // Live refresh: the first page is fetched again; rows update in place, new runs appear on top.
  async function refresh() {
    if (destroyed || state.loading || document.hidden) return;
    const generation = state.generation;
    try {
      const page = await listTraces(query({ limit: 50 }), controller.signal);
      if (generation !== state.generation || destroyed) return;
      showSummary(page);
      const newestFirst = state.sort === 'start:desc';
      const fresh = [];
      for (const t of page.items) {
        const known = state.ids.get(t.id);
        if (known) {
          const at = state.items.indexOf(known);
          state.items[at] = t;
          state.ids.set(t.id, t);
        } else if (newestFirst || state.items.length === 0) {
          fresh.push(t);
        }
      }
      if (fresh.length) {
        for (let i = fresh.length - 1; i >= 0; i--) add(fresh[i], true);
        // Keep what the reader looks at in place when rows arrive above it.
        if (scroller.scrollTop > 0) scroller.scrollTop += fresh.length * ROW_HEIGHT;
      }
      if (state.items.length > 0) showRows();
      renderWindow();
      for (const t of fresh) {
        const el = rendered.get(t.id);
        if (el) el.classList.add('fresh');
      }
    } catch (e) {
      // a failed refresh is retried on the next tick
    }
  }

  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      state.q = search.value.trim();
      syncUrl();
      reset();
    }, 250);
  });
  statusFilter.addEventListener('change', () => {
    state.statuses = new Set(statusBoxes.filter((b) => b.checked).map((b) => b.value));
    syncUrl();
    reset();
  });
  sort.addEventListener('change', () => {
    state.sort = sort.value;
    showSort();
    syncUrl();
    reset();
  });
  const timer = setInterval(refresh, 2000);
  const tick = setInterval(() => {
    // keep relative times fresh
    for (const el of rendered.values()) {
      const cell = el.children[1];
      if (cell && cell.title) cell.firstChild.textContent = fmt.relative(cell.title);
    }
  }, 30000);

  showSort();
  reset();
  search.focus();

  return {
    destroy() {
      destroyed = true;
      controller.abort();
      clearInterval(timer);
      clearInterval(tick);
      window.removeEventListener('resize', schedule);
    },
  };
}
