// Entry point: theme, routing between the runs list and a run view.
import { clear, h } from './dom.js';
import { compareView } from './compare.js';
import { listView } from './list.js';
import { runView } from './run.js';

const app = document.getElementById('app');
const crumbs = document.getElementById('crumbs');
let current = null;

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
}

export function setCrumbs(...items) {
  clear(crumbs);
  for (const item of items) {
    crumbs.appendChild(h('span', { class: 'sep', 'aria-hidden': 'true' }, '/'));
    crumbs.appendChild(item);
  }
}

function route() {
  if (current && current.destroy) current.destroy();
  current = null;
  clear(app);
  const path = location.pathname;
  const match = /^\/traces\/([^/]+)\/?$/.exec(path);
  if (match) {
    let id;
    try {
      id = decodeURIComponent(match[1]);
    } catch (e) {
      id = match[1];
    }
    const span = new URLSearchParams(location.search).get('span');
    current = runView(app, id, span, { navigate, setCrumbs });
  } else if (path === '/compare') {
    current = compareView(app, { navigate, setCrumbs });
  } else {
    current = listView(app, { navigate, setCrumbs });
  }
}

// Links inside the app navigate without a reload (ctrl/cmd-click still opens a tab).
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', route);

// Theme: follows the system unless the user picks one (kept in localStorage).
const themeButton = document.getElementById('theme');
const themes = ['auto', 'light', 'dark'];
function applyTheme(theme) {
  if (theme === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
  themeButton.textContent = `Theme: ${theme}`;
  themeButton.title = theme === 'auto' ? 'Theme: follows the system' : `Theme: ${theme}`;
}
let theme = 'auto';
try {
  theme = localStorage.getItem('tasktree.theme') || 'auto';
} catch (e) {
  // storage unavailable
}
applyTheme(themes.includes(theme) ? theme : 'auto');
themeButton.addEventListener('click', () => {
  theme = themes[(themes.indexOf(theme) + 1) % themes.length];
  try {
    localStorage.setItem('tasktree.theme', theme);
  } catch (e) {
    // storage unavailable
  }
  applyTheme(theme);
});

route();
