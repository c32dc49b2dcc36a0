// The run view's header: title, status, totals, the per-model breakdown, downloads and the link
// to the run's OpenTelemetry trace.
import { append, clear, h } from './dom.js';
import * as fmt from './format.js';
import { otelLink } from './otel-link.js';
import { statusBadge } from './status.js';

function total(label, value, hint, cls, id) {
  return h('div', { class: `total ${cls || ''}`, title: hint || '', id },
    h('div', { class: 'total-label' }, label), h('div', { class: 'total-value' }, value));
}

/** Fills the header element from the model. */
export function renderRunHeader(header, model, id) {
  const s = model.summary;
  clear(header);
  const running = model.running();
  append(header,
    h('div', { class: 'run-title' },
      h('h1', null, s.name ?? id),
      statusBadge(s.status),
      running ? h('span', { class: 'badge live', id: 'live-badge' }, 'LIVE') : null,
      h('span', { class: 'spacer' }),
      otelLink(model.attributes),
      h('a', { class: 'button', id: 'download-run', href: `/api/traces/${encodeURIComponent(id)}/download`, download: `${id}.jsonl`, title: 'The trace file as written (JSON Lines)' }, 'Download run'),
      h('a', { class: 'button', id: 'compare-run', href: `/compare?a=${encodeURIComponent(id)}`, 'data-link': true, title: 'Compare with another run of this tree; p50 / p95 per node' }, 'Compare…')),
    h('div', { class: 'run-id mono muted' }, id),
    h('div', { class: 'totals' },
      total('Started', fmt.absolute(s.start), fmt.relative(s.start)),
      total('Duration', fmt.duration(running ? model.endUs() - model.startUs : s.durationUs), null, '', 'run-duration'),
      total('Spans', fmt.count(s.spanCount)),
      total('Errors', fmt.count(s.errorCount), null, s.errorCount ? 'has-errors' : ''),
      total('Tokens', fmt.tokens(s.inputTokens, s.outputTokens), 'input / output'),
      total('Cost', fmt.cost(s.costUsd)),
      s.corruptLines ? total('Skipped lines', fmt.count(s.corruptLines), 'lines that could not be read') : null),
    modelTable(model.models()));
}

function modelTable(models) {
  if (!models.length) return null;
  return h('table', { class: 'models small', id: 'models' },
    h('caption', { class: 'muted' }, 'LLM calls by model'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Model'), h('th', { class: 'num', scope: 'col' }, 'Calls'),
      h('th', { class: 'num', scope: 'col' }, 'Tokens in / out'), h('th', { class: 'num', scope: 'col' }, 'Cost'),
      h('th', { class: 'num', scope: 'col' }, 'p50 latency'))),
    h('tbody', null, models.map((m) => h('tr', null,
      h('td', { class: 'mono' }, m.model), h('td', { class: 'num' }, fmt.count(m.calls)),
      h('td', { class: 'num' }, fmt.tokens(m.input, m.output)), h('td', { class: 'num' }, fmt.cost(m.cost)),
      h('td', { class: 'num' }, fmt.duration(m.p50Us))))));
}
