// Copy buttons: the Clipboard API where the page may use it, a hidden textarea otherwise.
import { h } from './dom.js';

async function write(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) {
    // fall through to the textarea
  }
  const area = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  area.remove();
  return ok;
}

/** A small button that copies what {@code text()} returns and says so. */
export function copyButton(label, text, id) {
  const button = h('button', { type: 'button', class: 'copy small', id, title: `Copy ${label.toLowerCase()}` }, label);
  button.addEventListener('click', async (e) => {
    e.stopPropagation();
    const value = text();
    const ok = await write(value);
    button.dataset.copied = value;
    button.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => { button.textContent = label; }, 1500);
  });
  return button;
}

/** A link that downloads {@code text} as a file (built from a Blob, nothing goes to a server). */
export function downloadLink(label, filename, type, text, id) {
  const a = h('a', { class: 'button small', id, download: filename, href: '#' }, label);
  a.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([text()], { type }));
    a.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  return a;
}
