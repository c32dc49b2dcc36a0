// The waterfall's time window: zoom (brush on the axis, buttons, +/- keys, Ctrl+wheel) and pan
// (drag the window on the minimap, [ and ] keys). The window is kept as fractions of the run, so
// a live run that grows keeps the same part in view.
import { clear, h } from './dom.js';
import * as fmt from './format.js';

const MIN_SPAN = 1e-4;

export function createTimeline(onChange) {
  let from = 0;
  let to = 1;
  let model = null;
  const axis = h('div', { class: 'axis', id: 'axis', title: 'Drag across the axis to zoom into that time range' });
  const brush = h('div', { class: 'brush', hidden: true });
  const box = h('div', { class: 'minimap-window', id: 'minimap-window', title: 'Drag to pan' });
  const minimap = h('div', { class: 'minimap', id: 'minimap', 'aria-hidden': 'true' }, box);
  const label = h('span', { class: 'muted small', id: 'zoom-label' });
  const reset = h('button', { type: 'button', id: 'zoom-reset', title: 'Show the whole run (0)' }, 'Reset zoom');
  const zoomIn = h('button', { type: 'button', id: 'zoom-in', title: 'Zoom in (+)' }, '+');
  const zoomOut = h('button', { type: 'button', id: 'zoom-out', title: 'Zoom out (−)' }, '−');
  const controls = h('span', { class: 'zoom-controls' }, zoomIn, zoomOut, reset, label);

  function set(a, b) {
    let span = Math.max(MIN_SPAN, Math.min(1, b - a));
    let start = Math.min(Math.max(0, a), 1 - span);
    if (span >= 1) { start = 0; span = 1; }
    if (start === from && start + span === to) return;
    from = start;
    to = start + span;
    render();
    onChange();
  }

  function render() {
    if (!model) return;
    const total = model.endUs() - model.startUs;
    clear(axis);
    axis.appendChild(brush);
    for (const f of [0, 0.25, 0.5, 0.75]) {
      const tick = h('span', { class: 'tick' }, fmt.duration(total * (from + (to - from) * f)));
      tick.style.left = `${f * 100}%`;
      axis.appendChild(tick);
    }
    box.style.left = `${from * 100}%`;
    box.style.width = `${Math.max((to - from) * 100, 0.5)}%`;
    const zoomed = from > 0 || to < 1;
    reset.disabled = !zoomed;
    label.textContent = zoomed ? `${fmt.duration(total * from)} – ${fmt.duration(total * to)}` : '';
  }

  // brush: drag across the axis
  axis.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const rect = axis.getBoundingClientRect();
    const at = (x) => Math.min(1, Math.max(0, (x - rect.left) / rect.width));
    const start = at(e.clientX);
    let end = start;
    brush.hidden = false;
    const draw = () => {
      brush.style.left = `${Math.min(start, end) * 100}%`;
      brush.style.width = `${Math.abs(end - start) * 100}%`;
    };
    draw();
    const move = (m) => { end = at(m.clientX); draw(); };
    const up = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
      brush.hidden = true;
      if (Math.abs(end - start) > 0.005) {
        const w = to - from;
        set(from + Math.min(start, end) * w, from + Math.max(start, end) * w);
      }
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  });

  // pan: drag the window on the minimap (or click to centre it there)
  minimap.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const rect = minimap.getBoundingClientRect();
    const w = to - from;
    const at = (x) => (x - rect.left) / rect.width;
    const grab = e.target === box ? at(e.clientX) - from : w / 2;
    set(at(e.clientX) - grab, at(e.clientX) - grab + w);
    const move = (m) => set(at(m.clientX) - grab, at(m.clientX) - grab + w);
    const up = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  });

  const zoom = (factor, center = (from + to) / 2) => {
    const w = (to - from) * factor;
    set(center - w / 2, center + w / 2);
  };
  const pan = (fraction) => set(from + (to - from) * fraction, to + (to - from) * fraction);
  zoomIn.addEventListener('click', () => zoom(0.5));
  zoomOut.addEventListener('click', () => zoom(2));
  reset.addEventListener('click', () => set(0, 1));

  return {
    axis, minimap, controls, zoom, pan,
    reset: () => set(0, 1),
    /** The window in epoch µs for a model: {start, us}. */
    window(m) {
      model = m;
      const total = m.endUs() - m.startUs;
      return { start: m.startUs + total * from, us: Math.max(1, total * (to - from)) };
    },
    /** Ctrl/⌘+wheel over the waterfall zooms around the pointer. */
    wheel(e, waterfallRect) {
      if (!(e.ctrlKey || e.metaKey)) return false;
      e.preventDefault();
      // the moment under the pointer stays under it
      const x = Math.min(1, Math.max(0, (e.clientX - waterfallRect.left) / waterfallRect.width));
      const at = from + (to - from) * x;
      const w = (to - from) * (e.deltaY > 0 ? 1.25 : 0.8);
      set(at - x * w, at - x * w + w);
      return true;
    },
    render(m) {
      model = m;
      render();
    },
  };
}
