// The detail panel of the selected span.
import { approvalSection } from './approval.js';
import { copyButton, downloadLink } from './clipboard.js';
import { isoFromUs } from './compact.js';
import { h, highlighted } from './dom.js';
import * as fmt from './format.js';
import { jsonTree } from './json-tree.js';
import { ATTEMPT, CANCEL_REASON, COST, INPUT_TOKENS, isLlm, MODEL, OUTPUT_TOKENS, RESPONSE_MODEL } from './model.js';
import { statusBadge } from './status.js';
import { extractTranscript, renderTranscript } from './transcript.js';
import { shownStatus } from './tree-row.js';

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

/** Attribute groups: GenAI conventions, TaskTree's own, then the node's. Each sorted by key. */
function groups(attrs) {
  const out = [['gen_ai.*', []], ['tasktree.*', []], ['node', []]];
  for (const k of Object.keys(attrs).sort()) {
    out[k.startsWith('gen_ai.') ? 0 : k.startsWith('tasktree.') ? 1 : 2][1].push(k);
  }
  return out.filter(([, keys]) => keys.length);
}

function durationText(model, span) {
  const us = model.spanEndUs(span) - span.startUs;
  const open = model.openState(span);
  if (open === 'running') return `${fmt.duration(us)} so far`;
  if (open) return `at least ${fmt.duration(us)} (never ended)`;
  return fmt.duration(us);
}

function endedText(model, span) {
  switch (model.openState(span)) {
    case null: return fmt.absolute(span.end ?? isoFromUs(span.endUs));
    case 'running': return 'still running';
    case 'interrupted': return `never: the run was interrupted (its last event was at +${fmt.duration(model.endUs() - model.startUs)})`;
    default: return `never: abandoned, the run ended at +${fmt.duration(model.endUs() - model.startUs)} without it`;
  }
}

/** Keeps a running span's duration current (called by the live clock; the panel is not rebuilt). */
export function updateDetailClock(container, model, span) {
  const el = container.querySelector('#detail-duration');
  if (el && !span.ghost && model.openState(span) === 'running') el.textContent = durationText(model, span);
}

/** Why a span ended the way it did, next to its status: cancel reason, abandoned, winner... */
function badges(model, span) {
  const a = span.attributes || {};
  const out = [];
  const status = shownStatus(model, span);
  if (status === 'ABANDONED') out.push(h('span', { class: 'badge flag flag-abandoned', title: 'It ignored its cancellation and never ended' }, 'abandoned'));
  if (status === 'INTERRUPTED' && span.endUs === null) out.push(h('span', { class: 'badge flag' }, 'interrupted'));
  if (a['tasktree.replayed'] === true) out.push(h('span', { class: 'badge flag', title: 'Result replayed from a stored run, not executed again' }, 'replayed'));
  const parent = span.parent;
  const winner = parent && parent.attributes ? parent.attributes.winner : undefined;
  if (typeof winner === 'string' && typeof span.path === 'string' && span.path.endsWith(` > ${winner}`)) {
    out.push(h('span', { class: 'badge flag flag-winner', title: 'This child won the race' }, 'race winner'));
  }
  if (a[CANCEL_REASON] !== undefined) out.push(h('span', { class: 'badge flag cancel-reason', title: 'Cancel reason' }, `cancelled: ${a[CANCEL_REASON]}`));
  return out;
}

function ghostDetail(span) {
  return h('div', { class: 'detail', 'data-span-id': span.id },
    h('div', { class: 'detail-title' }, h('span', { class: 'badge kind' }, span.kind), ' ',
      h('span', { class: 'detail-name' }, span.name), ' ', statusBadge('NEVER', 'never ran in this run')),
    kv([['Path', h('span', { class: 'mono' }, span.path)], ['Ran', 'no: this node is part of the tree but did not run in this run']]),
    span.details !== null && span.details !== undefined ? section('Static arguments', jsonTree(span.details, '')) : null);
}

export function renderDetail(model, span, needle) {
  if (span.ghost) return ghostDetail(span);
  const a = span.attributes || {};
  const offset = span.startUs - model.startUs;
  const panel = h('div', { class: 'detail', 'data-span-id': span.id });
  const link = () => `${location.origin}/traces/${encodeURIComponent(model.id)}?span=${encodeURIComponent(span.id)}`;
  panel.appendChild(h('div', { class: 'detail-title' },
    h('span', { class: 'badge kind' }, span.kind), ' ',
    h('span', { class: 'detail-name' }, highlighted(span.name, needle)), ' ',
    statusBadge(shownStatus(model, span)), badges(model, span)));
  panel.appendChild(h('div', { class: 'detail-actions' },
    copyButton('Copy span id', () => span.id, 'copy-span-id'),
    copyButton('Copy link', link, 'copy-link'),
    downloadLink('Download span', `${span.id}.json`, 'application/json', () => JSON.stringify(spanJson(span), null, 2), 'download-span')));
  const attempt = a[ATTEMPT];
  panel.appendChild(kv([
    ['Path', h('span', { class: 'mono' }, highlighted(span.path || '', needle))],
    ['Span', h('span', { class: 'mono' }, span.id)],
    ['Started', `${fmt.absolute(span.start ?? isoFromUs(span.startUs))}  (+${fmt.duration(offset)})`],
    ['Ended', endedText(model, span)],
    ['Duration', h('span', { id: 'detail-duration' }, durationText(model, span))],
    attempt !== undefined ? ['Attempt', `#${Number(attempt) + 1}`] : null,
  ]));

  const approval = approvalSection(model, span);
  if (approval) panel.appendChild(approval);

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

  panel.appendChild(section('Result data', span.data === null && model.openState(span) !== null
    ? h('div', { class: 'muted' }, model.openState(span) === 'running' ? 'not finished yet' : 'none: the span never ended')
    : h('div', null, copyButton('Copy value', () => fmt.json(span.data), 'copy-data'), jsonTree(span.data, needle))));

  const grouped = groups(a);
  if (grouped.length) {
    panel.appendChild(section(`Attributes (${Object.keys(a).length})`, grouped.map(([title, keys]) =>
      h('div', { class: 'attr-group', 'data-group': title },
        h('h4', null, title),
        h('dl', { class: 'kv attrs' }, keys.map((k) => [h('dt', { class: 'mono' }, k),
          h('dd', null, typeof a[k] === 'object' && a[k] !== null
            ? jsonTree(a[k], needle)
            : h('span', { class: 'mono' }, highlighted(JSON.stringify(a[k]), needle)))]))))));
  }
  return panel;
}

/** A span as a download: what the API sent for it, without the view's links. */
function spanJson(span) {
  return {
    id: span.id, parentId: span.parentId, name: span.name, kind: span.kind, path: span.path,
    start: span.start ?? isoFromUs(span.startUs), end: span.end ?? isoFromUs(span.endUs), status: span.status,
    data: span.data, error: span.error,
    logs: span.logs.map((l) => ({ ...l, time: l.time ?? isoFromUs(l.timeUs) })), attributes: span.attributes, children: span.children.map((c) => c.id),
  };
}
