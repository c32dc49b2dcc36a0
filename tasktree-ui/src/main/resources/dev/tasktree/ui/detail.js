// The detail panel of the selected span.
import { h, highlighted } from './dom.js';
import * as fmt from './format.js';
import { statusBadge } from './list.js';
import { ATTEMPT, COST, INPUT_TOKENS, isLlm, MODEL, OUTPUT_TOKENS, RESPONSE_MODEL } from './model.js';
import { extractTranscript, renderTranscript } from './transcript.js';

function section(title, ...content) {
  return h('section', { class: 'detail-section' }, h('h3', null, title), ...content);
}

function kv(rows) {
  return h('dl', { class: 'kv' }, rows.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function findAttr(attrs, pattern) {
  for (const [k, v] of Object.entries(attrs)) if (pattern.test(k)) return [k, v];
  return null;
}

export function renderDetail(model, span, needle) {
  const a = span.attributes || {};
  const offset = span.startUs - model.startUs;
  const durationUs = span.endUs !== null ? span.endUs - span.startUs : Date.now() * 1000 - span.startUs;
  const panel = h('div', { class: 'detail', 'data-span-id': span.id });
  panel.appendChild(h('div', { class: 'detail-title' },
    h('span', { class: 'badge kind' }, span.kind), ' ',
    h('span', { class: 'detail-name' }, highlighted(span.name, needle)), ' ',
    statusBadge(span.status)));
  const attempt = a[ATTEMPT];
  panel.appendChild(kv([
    ['Path', h('span', { class: 'mono' }, highlighted(span.path || '', needle))],
    ['Span', h('span', { class: 'mono' }, span.id)],
    ['Started', `${fmt.absolute(span.start)}  (+${fmt.duration(offset)})`],
    ['Ended', span.end ? fmt.absolute(span.end) : 'still running'],
    ['Duration', fmt.duration(durationUs) + (span.endUs === null ? ' so far' : '')],
    attempt !== undefined ? ['Attempt', `#${Number(attempt) + 1}`] : null,
  ]));

  if (isLlm(span)) {
    const ttft = findAttr(a, /first_token|ttft/i);
    const finish = findAttr(a, /finish_reason/i);
    panel.appendChild(section('LLM call', kv([
      ['Model', String(a[MODEL] ?? a[RESPONSE_MODEL] ?? '–')],
      a[RESPONSE_MODEL] && a[RESPONSE_MODEL] !== a[MODEL] ? ['Response model', String(a[RESPONSE_MODEL])] : null,
      ['Tokens', `${fmt.count(a[INPUT_TOKENS] ?? 0)} in / ${fmt.count(a[OUTPUT_TOKENS] ?? 0)} out`],
      ['Cost', fmt.cost(Number(a[COST]) || 0)],
      ttft ? ['Time to first token', typeof ttft[1] === 'number' ? `${ttft[1]} ${/_s$|seconds/.test(ttft[0]) ? 's' : 'ms'}` : String(ttft[1])] : null,
      finish ? ['Finish reason', Array.isArray(finish[1]) ? finish[1].join(', ') : String(finish[1])] : null,
    ])));
    const transcript = extractTranscript(span);
    if (transcript) panel.appendChild(section('Transcript', renderTranscript(transcript, needle)));
  }

  if (span.error) {
    panel.appendChild(section('Error',
      h('div', { class: 'error-head' }, h('span', { class: 'mono' }, span.error.type), ': ',
        highlighted(span.error.message ?? '', needle)),
      span.error.stack ? h('pre', { class: 'stack' }, highlighted(span.error.stack, needle)) : null));
  }

  if (span.logs.length) {
    panel.appendChild(section(`Logs (${span.logs.length})`, h('ol', { class: 'logs' },
      span.logs.map((l) => h('li', { class: `log level-${String(l.level).toLowerCase()}` },
        h('span', { class: 'muted small mono' }, `+${fmt.duration((l.timeUs ?? 0) - model.startUs)}`), ' ',
        h('span', { class: 'badge level' }, l.level), ' ',
        h('span', { class: 'log-msg' }, highlighted(l.message, needle)))))));
  }

  panel.appendChild(section('Result data', span.data === null && span.endUs === null
    ? h('div', { class: 'muted' }, 'not finished yet')
    : h('pre', { class: 'json' }, highlighted(fmt.json(span.data), needle))));

  const keys = Object.keys(a);
  if (keys.length) {
    panel.appendChild(section(`Attributes (${keys.length})`, h('dl', { class: 'kv attrs' },
      keys.map((k) => [h('dt', { class: 'mono' }, k),
        h('dd', null, typeof a[k] === 'object' && a[k] !== null
          ? h('pre', { class: 'json' }, highlighted(fmt.json(a[k]), needle))
          : h('span', { class: 'mono' }, highlighted(JSON.stringify(a[k]), needle)))]))));
  }
  return panel;
}
