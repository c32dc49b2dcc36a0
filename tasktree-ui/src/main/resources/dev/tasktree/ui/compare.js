// Compare two runs of a tree side by side (/compare?a=ID&b=ID): every node by path with its status
// and duration in each run, what differs (status, data, LLM output), and for the tree the p50 /
// p95 duration of each node across its recent runs.
import { getTrace, listTraces } from './api.js';
import { append, clear, h } from './dom.js';
import * as fmt from './format.js';
import { statusBadge } from './status.js';

const RECENT = 20;

/** A span's key for matching across runs: its path plus attempt / item index when present. */
function keyOf(s) {
  const a = s.attributes || {};
  let key = s.path || s.name;
  if (a['tasktree.attempt'] !== undefined) key += ` #${Number(a['tasktree.attempt']) + 1}`;
  if (a['tasktree.index'] !== undefined) key += ` [${a['tasktree.index']}]`;
  return key;
}

function byKey(trace) {
  const map = new Map();
  for (const s of trace.spans) if (!map.has(keyOf(s))) map.set(keyOf(s), s);
  return map;
}

function durationUs(s) {
  return s && s.endUs !== null ? s.endUs - s.startUs : null;
}

function output(s) {
  if (!s) return '';
  const a = s.attributes || {};
  return JSON.stringify(a['gen_ai.output.messages'] ?? s.data ?? null);
}

function quantile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function compareView(root, { setCrumbs }) {
  const params = new URLSearchParams(location.search);
  const a = params.get('a');
  const b = params.get('b');
  setCrumbs(h('a', { href: '/', 'data-link': true }, 'Runs'), h('span', null, 'Compare'));
  document.title = 'Compare runs · TaskTree';
  const view = h('section', { class: 'compare-view' }, h('div', { class: 'loading' }, 'Loading…'));
  root.appendChild(view);
  let destroyed = false;

  (async () => {
    try {
      const first = await getTrace(a);
      const name = first.summary.name;
      const recent = (await listTraces({ q: name, limit: RECENT + 5 })).items
        .filter((t) => t.name === name && !t.unreadable).slice(0, RECENT);
      const second = b ? await getTrace(b) : null;
      const stats = await nodeStats(recent);
      if (destroyed) return;
      clear(view);
      append(view, picker(first, recent, b), second ? table(first, second, stats) : statsTable(first, stats, recent.length));
    } catch (e) {
      clear(view);
      view.appendChild(h('div', { class: 'empty' }, h('h2', null, 'Cannot compare'), h('p', null, e.message)));
    }
  })();

  function picker(first, recent, chosen) {
    const select = h('select', { id: 'compare-with', 'aria-label': 'Compare with' },
      h('option', { value: '' }, 'Compare with…'),
      recent.filter((t) => t.id !== first.id).map((t) => h('option', { value: t.id, selected: t.id === chosen },
        `${fmt.absolute(t.start)} · ${t.status} · ${fmt.duration(t.durationUs)}`)));
    select.addEventListener('change', () => {
      const p = new URLSearchParams({ a: first.id });
      if (select.value) p.set('b', select.value);
      location.assign(`/compare?${p}`);
    });
    return h('div', { class: 'toolbar' }, h('h1', { class: 'compare-title' }, first.summary.name),
      h('a', { href: `/traces/${encodeURIComponent(first.id)}`, 'data-link': true, class: 'mono small' }, first.id), select);
  }

  async function nodeStats(recent) {
    const durations = new Map();
    for (const t of recent) {
      const trace = await getTrace(t.id);
      for (const s of trace.spans) {
        const d = durationUs(s);
        if (d === null) continue;
        const k = keyOf(s);
        if (!durations.has(k)) durations.set(k, []);
        durations.get(k).push(d);
      }
    }
    const stats = new Map();
    for (const [k, list] of durations) {
      list.sort((x, y) => x - y);
      stats.set(k, { n: list.length, p50: quantile(list, 0.5), p95: quantile(list, 0.95) });
    }
    return stats;
  }

  function statsCells(stats, k) {
    const st = stats.get(k);
    return [h('td', { class: 'num' }, st ? fmt.duration(st.p50) : '–'), h('td', { class: 'num' }, st ? fmt.duration(st.p95) : '–')];
  }

  function table(first, second, stats) {
    const left = byKey(first);
    const right = byKey(second);
    const keys = [...left.keys()];
    for (const k of right.keys()) if (!left.has(k)) keys.push(k);
    return h('table', { class: 'compare', id: 'compare-table' },
      h('thead', null, h('tr', null, h('th', null, 'Node (path)'),
        h('th', null, 'Run A'), h('th', { class: 'num' }, 'A'), h('th', null, 'Run B'), h('th', { class: 'num' }, 'B'),
        h('th', { class: 'num' }, 'B − A'), h('th', null, 'Differs'), h('th', { class: 'num' }, 'p50'), h('th', { class: 'num' }, 'p95'))),
      h('tbody', null, keys.map((k) => {
        const x = left.get(k);
        const y = right.get(k);
        const dx = durationUs(x);
        const dy = durationUs(y);
        const diffs = [];
        if (!x || !y) diffs.push(x ? 'only in A' : 'only in B');
        else {
          if (x.status !== y.status) diffs.push('status');
          if (JSON.stringify(x.data) !== JSON.stringify(y.data)) diffs.push('data');
          if (output(x) !== output(y) && (x.attributes || {})['gen_ai.output.messages'] !== undefined) diffs.push('transcript');
        }
        return h('tr', { class: diffs.length ? 'differs' : '', 'data-key': k },
          h('td', { class: 'mono small' }, k),
          h('td', null, x ? statusBadge(x.status) : '–'), h('td', { class: 'num' }, fmt.duration(dx)),
          h('td', null, y ? statusBadge(y.status) : '–'), h('td', { class: 'num' }, fmt.duration(dy)),
          h('td', { class: 'num' }, dx !== null && dy !== null ? `${dy >= dx ? '+' : '−'}${fmt.duration(Math.abs(dy - dx))}` : '–'),
          h('td', { class: 'diffs' }, diffs.join(', ')),
          statsCells(stats, k));
      })));
  }

  function statsTable(first, stats, runs) {
    return h('div', null,
      h('p', { class: 'muted', id: 'stats-caption' }, `Duration per node across the last ${runs} run${runs === 1 ? '' : 's'} of this tree.`),
      h('table', { class: 'compare', id: 'stats-table' },
        h('thead', null, h('tr', null, h('th', null, 'Node (path)'), h('th', { class: 'num' }, 'Runs'),
          h('th', { class: 'num' }, 'p50'), h('th', { class: 'num' }, 'p95'))),
        h('tbody', null, [...byKey(first).keys()].map((k) => h('tr', { 'data-key': k },
          h('td', { class: 'mono small' }, k), h('td', { class: 'num' }, String(stats.get(k)?.n ?? 0)), statsCells(stats, k))))));
  }

  return { destroy() { destroyed = true; } };
}
