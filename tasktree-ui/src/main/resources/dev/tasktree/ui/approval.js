// Approvals in the run view: the Approve / Reject control of a WAITING Approval span, and what
// was decided once it ended. Posts to POST /api/traces/{id}/spans/{span}/decision; the server
// delivers the decision where the run waits (see docs/approvals.md).
import {
  APPROVAL_COMMENT, APPROVAL_DECIDED_BY, APPROVAL_EDITED, APPROVAL_KEY, APPROVAL_OUTCOME, APPROVAL_PROPOSAL,
} from './attributes.js';
import { h } from './dom.js';
import { jsonTree } from './json-tree.js';

// What the person typed and what the server answered, per trace and span: the detail panel is
// rebuilt on live updates, and must not lose either.
const drafts = new Map();

function draftOf(traceId, spanId) {
  const key = `${traceId}/${spanId}`;
  let d = drafts.get(key);
  if (!d) {
    d = { comment: '', value: '', editing: false, sending: false, outcome: null, error: null };
    drafts.set(key, d);
  }
  return d;
}

/** Posts a decision; resolves to the server's answer, rejects with its error message. */
export async function postDecision(traceId, spanId, decision) {
  const res = await fetch(
    `/api/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}/decision`,
    {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(decision),
    });
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    // not JSON
  }
  if (!res.ok) throw new Error((body && body.error) || `HTTP ${res.status}`);
  return body;
}

function section(title, ...content) {
  return h('section', { class: 'detail-section approval', id: 'approval-panel' }, h('h3', null, title), ...content);
}

/**
 * The approval section of a span's detail panel, or null when the span is not an Approval.
 * A WAITING Approval gets the control; a decided one shows the decision.
 */
export function approvalSection(model, span) {
  if (span.kind !== 'Approval' || span.ghost) return null;
  let el = null;
  const rerender = () => {
    const fresh = approvalSection(model, span);
    if (el && el.isConnected && fresh) el.replaceWith(fresh);
  };
  const a = span.attributes || {};
  const proposal = a[APPROVAL_PROPOSAL];
  const proposalView = h('div', { class: 'approval-proposal', id: 'approval-proposal' },
    proposal === undefined ? h('span', { class: 'muted' }, 'no proposal recorded') : jsonTree(proposal, ''));
  if (span.status !== 'WAITING') {
    const outcome = a[APPROVAL_OUTCOME];
    if (outcome === undefined) return null;
    return (el = section('Approval',
      h('dl', { class: 'kv' },
        h('dt', null, 'Outcome'), h('dd', { id: 'approval-result' }, String(outcome).replace('_', ' ')),
        a[APPROVAL_COMMENT] !== undefined ? [h('dt', null, 'Comment'), h('dd', null, String(a[APPROVAL_COMMENT]))] : null,
        a[APPROVAL_DECIDED_BY] !== undefined ? [h('dt', null, 'Decided by'), h('dd', null, String(a[APPROVAL_DECIDED_BY]))] : null,
        a[APPROVAL_EDITED] === true ? [h('dt', null, 'Edited'), h('dd', null, 'yes: the result is the edited value')] : null,
        h('dt', null, 'Proposal'), h('dd', null, proposalView))));
  }
  const d = draftOf(model.id, span.id);
  const comment = h('textarea', {
    id: 'approval-comment', class: 'approval-comment', rows: '2', placeholder: 'Comment (optional)',
    'aria-label': 'Comment', value: d.comment, disabled: d.sending || d.outcome !== null,
    on: { input: (e) => { d.comment = e.target.value; } },
  });
  const edit = h('input', {
    type: 'checkbox', id: 'approval-edit', checked: d.editing, disabled: d.sending || d.outcome !== null,
    on: { change: (e) => { d.editing = e.target.checked; if (d.editing && !d.value) d.value = JSON.stringify(proposal ?? null, null, 2); rerender(); } },
  });
  const value = d.editing ? h('textarea', {
    id: 'approval-value', class: 'approval-value mono', rows: '4', 'aria-label': 'Edited value (JSON)',
    value: d.value, disabled: d.sending || d.outcome !== null,
    on: { input: (e) => { d.value = e.target.value; } },
  }) : null;
  const status = h('div', { id: 'approval-outcome', class: 'approval-outcome', role: 'status', 'aria-live': 'polite' },
    d.error ? h('span', { class: 'approval-error' }, `Not delivered: ${d.error}`)
      : d.outcome ? `${d.outcome.approved ? 'Approved' : 'Rejected'}: delivered to the run (${d.outcome.store}); it continues when it takes the decision.`
        : d.sending ? 'Sending…' : null);

  async function decide(approved) {
    d.error = null;
    const decision = { approved, comment: d.comment.trim() || null };
    if (approved && d.editing) {
      try {
        decision.value = JSON.parse(d.value);
      } catch (e) {
        d.error = 'the edited value is not valid JSON';
        rerender();
        return;
      }
    }
    d.sending = true;
    rerender();
    try {
      d.outcome = await postDecision(model.id, span.id, decision);
    } catch (e) {
      d.error = e.message;
    }
    d.sending = false;
    rerender();
  }

  const done = d.sending || d.outcome !== null;
  return (el = section('Waiting for approval',
    h('p', { class: 'small muted' }, 'Key ', h('span', { class: 'mono' }, String(a[APPROVAL_KEY] ?? '')),
      model.running() ? '' : ' · the run is suspended: it continues when resumed'),
    h('h4', null, 'Proposal'), proposalView,
    comment,
    h('label', { class: 'small approval-edit-label' }, edit, ' Approve an edited value'),
    value,
    h('div', { class: 'approval-buttons' },
      h('button', { type: 'button', id: 'approve', class: 'btn approve', disabled: done, on: { click: () => decide(true) } }, 'Approve'),
      h('button', { type: 'button', id: 'reject', class: 'btn reject', disabled: done, on: { click: () => decide(false) } }, 'Reject')),
    status));
}
