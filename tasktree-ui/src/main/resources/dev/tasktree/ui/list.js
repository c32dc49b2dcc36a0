// The runs list: search, status filter, sort, infinite scroll, live refresh, empty state.
import { health, listTraces } from './api.js';
import { append, clear, h } from './dom.js';
import * as fmt from './format.js';

const PAGE = 50;
const STATUSES = ['OK', 'FAIL', 'RUNNING', 'CANCELLED', 'INTERRUPTED', 'UNREADABLE'];
const SORTS = [
  ['start:desc', 'Newest first'],
  ['start:asc', 'Oldest first'],
  ['duration:desc', 'Longest first'],
  ['cost:desc', 'Most expensive first'],
];

export function statusBadge(status, title) {
  const s = status || 'UNREADABLE';
  return h('span', { class: `badge status status-${s.toLowerCase()}`, title: title || s }, s);
}

export function listView(root, { navigate, setCrumbs }) {
  setCrumbs(h('span', null, 'Runs'));
  document.title = 'TaskTree traces';
  const params = new URLSearchParams(location.search);
  const state = {
    q: params.get('q') || '',
    status: params.get('status') || '',
    sort: `${params.get('sort') || 'start'}:${params.get('order') || 'desc'}`,
    cursor: null,
    loading: false,
    done: false,
    rows: new Map(),
    total: 0,
    generation: 0,
  };
  let destroyed = false;
  let timer = null;
  let controller = new AbortController();

  const search = h('input', {
    type: 'search', id: 'run-search', placeholder: 'Search runs by name or id…',
    value: state.q, 'aria-label': 'Search runs',
  });
  const status = h('select', { id: 'status-filter', 'aria-label': 'Status' },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)));
  const sort = h('select', { id: 'sort', 'aria-label': 'Sort' },
    SORTS.map(([v, label]) => h('option', { value: v, selected: v === state.sort }, label)));
  const summary = h('span', { class: 'muted', id: 'list-summary' });
  const body = h('tbody');
  const table = h('table', { class: 'runs' },
    h('thead', null, h('tr', null,
      h('th', null, 'Run'), h('th', null, 'Started'), h('th', { class: 'num' }, 'Duration'),
      h('th', null, 'Status'), h('th', { class: 'num' }, 'Spans'), h('th', { class: 'num' }, 'Errors'),
      h('th', { class: 'num', title: 'input / output tokens' }, 'Tokens'), h('th', { class: 'num' }, 'Cost'))),
    body);
  const empty = h('div', { class: 'empty', hidden: true });
  const sentinel = h('div', { class: 'sentinel' });
  const more = h('button', { type: 'button', class: 'ghost', hidden: true, on: { click: () => loadMore() } }, 'Load more');
  const banner = h('div', { class: 'banner', hidden: true });

  root.appendChild(h('section', { class: 'list-view' },
    h('div', { class: 'toolbar' }, search, status, sort, h('span', { class: 'spacer' }), summary),
    banner, table, empty, h('div', { class: 'more' }, more), sentinel));

  function query(extra) {
    const [sortKey, order] = state.sort.split(':');
    return { q: state.q, status: state.status, sort: sortKey, order, limit: PAGE, ...extra };
  }

  function syncUrl() {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.status) p.set('status', state.status);
    const [sortKey, order] = state.sort.split(':');
    if (sortKey !== 'start') p.set('sort', sortKey);
    if (order !== 'desc') p.set('order', order);
    const qs = p.toString();
    history.replaceState(null, '', qs ? `/?${qs}` : '/');
  }

  function row(t) {
    const tr = h('tr', { 'data-id': t.id, class: t.unreadable ? 'unreadable' : '' });
    fill(tr, t);
    return tr;
  }

  function fill(tr, t) {
    // A live refresh sends every row again: only a changed run is redrawn (no flicker under the
    // pointer, no element swapped out from under a click).
    const signature = JSON.stringify(t);
    if (tr.dataset.signature === signature) return;
    tr.dataset.signature = signature;
    clear(tr);
    const href = `/traces/${encodeURIComponent(t.id)}`;
    const name = t.unreadable ? '(unreadable file)' : t.name;
    append(tr, 
      h('td', { class: 'run' },
        h('a', { href, 'data-link': true, class: 'run-name' }, name),
        h('div', { class: 'run-id mono' }, t.id),
        t.unreadable ? h('div', { class: 'reason' }, t.reason) : null),
      h('td', { title: t.start },
        h('div', null, fmt.relative(t.start)),
        h('div', { class: 'muted small' }, fmt.absolute(t.start))),
      h('td', { class: 'num' }, t.unreadable ? '–' : fmt.duration(t.durationUs)),
      h('td', null, statusBadge(t.status, t.reason)),
      h('td', { class: 'num' }, t.unreadable ? '–' : fmt.count(t.spanCount)),
      h('td', { class: `num ${t.errorCount ? 'has-errors' : ''}` }, t.unreadable ? '–' : fmt.count(t.errorCount)),
      h('td', { class: 'num' }, t.unreadable ? '–' : fmt.tokens(t.inputTokens, t.outputTokens)),
      h('td', { class: 'num' }, t.unreadable ? '–' : fmt.cost(t.costUsd)));
  }

  function showSummary(page) {
    state.total = page.total;
    summary.textContent = `${fmt.count(page.total)} run${page.total === 1 ? '' : 's'}`;
    banner.hidden = !page.indexing;
    banner.textContent = page.indexing ? 'Indexing the trace directory… the list fills in as files are read.' : '';
  }

  async function showEmpty() {
    const filtered = state.q || state.status;
    clear(empty);
    empty.hidden = false;
    table.hidden = true;
    if (filtered) {
      append(empty, h('h2', null, 'No runs match'), h('p', null, 'Clear the search or the status filter to see every run.'));
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

  async function reset() {
    controller.abort();
    controller = new AbortController();
    state.generation++;
    state.cursor = null;
    state.done = false;
    state.loading = false;
    state.rows.clear();
    clear(body);
    await loadMore();
  }

  async function loadMore() {
    if (state.loading || state.done || destroyed) return;
    state.loading = true;
    const generation = state.generation;
    try {
      const page = await listTraces(query({ cursor: state.cursor }), controller.signal);
      if (generation !== state.generation) return;
      showSummary(page);
      for (const t of page.items) {
        if (state.rows.has(t.id)) continue;
        const tr = row(t);
        state.rows.set(t.id, tr);
        body.appendChild(tr);
      }
      state.cursor = page.nextCursor;
      state.done = !page.nextCursor;
      more.hidden = state.done;
      if (state.rows.size === 0) await showEmpty();
      else {
        empty.hidden = true;
        table.hidden = false;
      }
    } catch (e) {
      if (e.name !== 'AbortError') {
        banner.hidden = false;
        banner.textContent = `Cannot load runs: ${e.message}`;
      }
    } finally {
      if (generation === state.generation) state.loading = false;
    }
    // Keep filling while the sentinel is still on screen.
    if (!state.done && isVisible(sentinel)) loadMore();
  }

  // Live refresh: the first page is fetched again; rows update in place, new runs appear on top.
  async function refresh() {
    if (destroyed || state.loading || document.hidden) return;
    const generation = state.generation;
    try {
      const page = await listTraces(query({}), controller.signal);
      if (generation !== state.generation || destroyed) return;
      showSummary(page);
      const newestFirst = state.sort === 'start:desc';
      let anchor = body.firstChild;
      for (const t of page.items) {
        const existing = state.rows.get(t.id);
        if (existing) {
          fill(existing, t);
          anchor = existing.nextSibling;
        } else if (newestFirst || state.rows.size === 0) {
          const tr = row(t);
          state.rows.set(t.id, tr);
          body.insertBefore(tr, anchor);
          tr.classList.add('fresh');
        }
      }
      if (state.rows.size > 0) {
        empty.hidden = true;
        table.hidden = false;
      }
    } catch (e) {
      // a failed refresh is retried on the next tick
    }
  }

  function isVisible(el) {
    const r = el.getBoundingClientRect();
    return r.top < window.innerHeight + 200;
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
  status.addEventListener('change', () => {
    state.status = status.value;
    syncUrl();
    reset();
  });
  sort.addEventListener('change', () => {
    state.sort = sort.value;
    syncUrl();
    reset();
  });
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '200px' });
  observer.observe(sentinel);
  timer = setInterval(refresh, 2000);
  const tick = setInterval(() => {
    // keep relative times fresh
    for (const tr of state.rows.values()) {
      const cell = tr.children[1];
      if (cell && cell.title) cell.firstChild.textContent = fmt.relative(cell.title);
    }
  }, 30000);

  reset();
  search.focus();

  return {
    destroy() {
      destroyed = true;
      controller.abort();
      observer.disconnect();
      clearInterval(timer);
      clearInterval(tick);
    },
  };
}
