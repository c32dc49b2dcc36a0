// The tree's static shape (trace format v2, first line's "shape"): nodes that never ran in this
// run are merged in place among the spans that did, matched by path.

/** A shape node that has no span in this run: rendered greyed, like a span that never started. */
function ghost(node, parent) {
  const g = {
    ghost: true, id: `shape:${node.path}`, name: String(node.name ?? ''), kind: String(node.kind ?? ''),
    path: String(node.path ?? ''), details: node.details ?? null, status: 'NEVER', parent,
    depth: parent ? parent.depth + 1 : 0, startUs: null, endUs: null, attributes: {}, logs: [],
    data: null, error: null, children: [],
  };
  g.children = (Array.isArray(node.children) ? node.children : []).map((c) => ghost(c, g));
  return g;
}

/** Indexes a shape by path. Bad input (not an object, no path) is ignored: a v1 trace has none. */
export function indexShape(shape) {
  const byPath = new Map();
  const stack = shape && typeof shape === 'object' ? [shape] : [];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || typeof node.path !== 'string') continue;
    if (!byPath.has(node.path)) byPath.set(node.path, node);
    if (Array.isArray(node.children)) for (const c of node.children) stack.push(c);
  }
  return byPath;
}

/**
 * The children of a span as shown: its child spans in start order, with the shape's children
 * that have no span inserted where the shape puts them.
 */
export function mergedChildren(span, byPath) {
  const node = byPath.get(span.path);
  const kids = span.children;
  if (!node || !Array.isArray(node.children) || node.children.length === 0) return kids;
  const shapeKids = node.children.filter((c) => c && typeof c.path === 'string');
  const position = new Map(shapeKids.map((c, i) => [c.path, i]));
  const ran = new Set();
  for (const k of kids) if (position.has(k.path)) ran.add(k.path);
  if (ran.size === shapeKids.length) return kids;
  const out = [];
  let next = 0;
  const ghostsUpTo = (end) => {
    for (; next < end; next++) if (!ran.has(shapeKids[next].path)) out.push(ghost(shapeKids[next], span));
  };
  for (const k of kids) {
    const at = position.get(k.path);
    if (at !== undefined && at >= next) {
      ghostsUpTo(at);
      next = at + 1;
    }
    out.push(k);
  }
  ghostsUpTo(shapeKids.length);
  return out;
}
