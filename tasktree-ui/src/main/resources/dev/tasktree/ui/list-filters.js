// The runs list's filters beyond search and status: model, tag, start time range, duration and
// cost ranges. Every value goes to the server as is (GET /api/traces does the filtering over its
// index and answers a bad value with a 400 whose message the list shows); the URL keeps them, so a
// shared link opens the same filtered list.
import { h } from './dom.js';

/** [URL / API parameter, label, placeholder, input type, width class]. */
const FIELDS = [
  ['model', 'Model', 'gpt-4o-mini, …', 'text', 'w-model'],
  ['tag', 'Tag', 'env:prod, user', 'text', 'w-tag'],
  ['from', 'From', '24h or 2026-12-01', 'text', 'w-time'],
  ['to', 'To', '2026-12-02T09:00Z', 'text', 'w-time'],
  ['minDuration', 'Duration ≥', '2s', 'text', 'w-num'],
  ['maxDuration', '≤', '1m', 'text', 'w-num'],
  ['minCost', 'Cost ≥ $', '0.01', 'text', 'w-num'],
  ['maxCost', '≤ $', '1.00', 'text', 'w-num'],
];

/** The filter values named in a URL (tags may repeat: joined by commas, like the input shows). */
export function parseFilters(params) {
  const out = {};
  for (const [name] of FIELDS) {
    const all = params.getAll(name).map((v) => v.trim()).filter(Boolean);
    if (all.length) out[name] = all.join(', ');
  }
  return out;
}

/** The API parameters of the filter values: tags as repeated parameters, the rest as typed. */
export function filterParams(values) {
  const out = {};
  for (const [name] of FIELDS) {
    const v = (values[name] || '').trim();
    if (!v) continue;
    out[name] = name === 'tag' ? v.split(',').map((t) => t.trim()).filter(Boolean) : v;
  }
  return out;
}

/**
 * The filter controls. {@code onChange(values)} runs when a value is committed (Enter, leaving the
 * field, or a pause in typing) or when the filters are cleared.
 */
export function filterControls(initial, onChange) {
  const values = { ...initial };
  const models = new Set();
  const modelList = h('datalist', { id: 'filter-model-options' });
  const inputs = new Map();
  let debounce = null;
  const commit = () => {
    clearTimeout(debounce);
    let changed = false;
    for (const [name, input] of inputs) {
      const v = input.value.trim();
      if ((values[name] || '') !== v) {
        changed = true;
        if (v) values[name] = v;
        else delete values[name];
      }
    }
    clearButton.hidden = Object.keys(values).length === 0;
    if (changed) onChange({ ...values });
  };
  const fields = FIELDS.map(([name, label, placeholder, type, width]) => {
    const input = h('input', {
      type, id: `filter-${name}`, name, class: width, placeholder, value: values[name] || '',
      'aria-label': `Filter: ${label.replace(/[≥≤$]/g, '').trim() || name}`, autocomplete: 'off',
      ...(name === 'model' ? { list: 'filter-model-options' } : {}),
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') commit();
    });
    input.addEventListener('change', commit);
    input.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(commit, 600);
    });
    inputs.set(name, input);
    return h('label', { class: 'filter-field' }, h('span', { class: 'muted small' }, label), input);
  });
  const clearButton = h('button', {
    type: 'button', id: 'filter-clear', class: 'button small', hidden: Object.keys(values).length === 0,
    on: {
      click: () => {
        for (const input of inputs.values()) input.value = '';
        commit();
      },
    },
  }, 'Clear filters');
  const element = h('div', { class: 'toolbar filters', id: 'list-filters', role: 'group', 'aria-label': 'Filters' },
    fields, clearButton, modelList);
  return {
    element,
    values: () => ({ ...values }),
    active: () => Object.keys(values).length > 0,
    /** Offers the models of loaded runs as suggestions. */
    learn(items) {
      for (const t of items) {
        for (const m of t.models || []) {
          if (!models.has(m) && models.size < 200) {
            models.add(m);
            modelList.appendChild(h('option', { value: m }));
          }
        }
      }
    },
  };
}
