// A collapsible JSON tree built from text nodes only. Objects and arrays are <details>: their
// children are built when first opened, so a large value costs nothing until it is looked at.
import { h, highlighted } from './dom.js';

const OPEN_DEPTH = 1;
const MAX_CHILDREN = 500;

function scalar(value, needle) {
  const type = value === null ? 'null' : typeof value;
  return h('span', { class: `jv jv-${type}` }, highlighted(type === 'string' ? JSON.stringify(value) : String(value), needle));
}

function summaryOf(value) {
  if (Array.isArray(value)) return `[${value.length}]`;
  return `{${Object.keys(value).length}}`;
}

function contains(value, needle) {
  if (!needle) return false;
  try {
    return JSON.stringify(value).toLowerCase().includes(needle);
  } catch (e) {
    return false;
  }
}

function node(key, value, depth, needle) {
  const label = key === null ? null : h('span', { class: 'jk' }, highlighted(key, needle), ': ');
  if (value === null || typeof value !== 'object') {
    return h('div', { class: 'jrow' }, label, scalar(value, needle));
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0) return h('div', { class: 'jrow' }, label, h('span', { class: 'jv' }, Array.isArray(value) ? '[]' : '{}'));
  const box = h('details', { class: 'jnode' }, h('summary', null, label, h('span', { class: 'muted' }, summaryOf(value))));
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const body = h('div', { class: 'jchildren' });
    for (const [k, v] of entries.slice(0, MAX_CHILDREN)) body.appendChild(node(k, v, depth + 1, needle));
    if (entries.length > MAX_CHILDREN) body.appendChild(h('div', { class: 'muted small' }, `… ${entries.length - MAX_CHILDREN} more (download the span for all)`));
    box.appendChild(body);
  };
  box.addEventListener('toggle', () => { if (box.open) build(); });
  if (depth < OPEN_DEPTH || contains(value, needle)) {
    build();
    box.open = true;
  }
  return box;
}

/** A JSON value as a collapsible tree (top level open; a search match is opened to). */
export function jsonTree(value, needle) {
  return h('div', { class: 'json-tree mono' }, node(null, value, 0, needle || ''));
}
