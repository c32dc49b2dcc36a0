// Tiny DOM helpers. Every piece of trace content goes through text nodes (textContent):
// nothing here ever parses HTML, so a trace can never inject markup or script.

/**
 * Creates an element. props: {class, title, href, id, type, role, tabindex, aria-*, data-*, on: {event: fn}}.
 * Children: strings (become text nodes), nodes, arrays, null/false (skipped).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (key === 'class') {
        el.className = value;
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'checked' || key === 'value' || key === 'disabled' || key === 'selected') {
        el[key] = value;
      } else if (/^on/i.test(key) || key === 'style' || key === 'srcdoc') {
        throw new Error('refusing to set ' + key);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, ...child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Text with every case-insensitive occurrence of `needle` wrapped in <mark> — built from text
 * nodes only.
 */
export function highlighted(text, needle) {
  const frag = document.createDocumentFragment();
  const s = String(text);
  if (!needle) {
    frag.appendChild(document.createTextNode(s));
    return frag;
  }
  const lower = s.toLowerCase();
  let from = 0;
  let at;
  while ((at = lower.indexOf(needle, from)) >= 0) {
    if (at > from) frag.appendChild(document.createTextNode(s.slice(from, at)));
    frag.appendChild(h('mark', null, s.slice(at, at + needle.length)));
    from = at + needle.length;
  }
  if (from < s.length) frag.appendChild(document.createTextNode(s.slice(from)));
  return frag;
}
