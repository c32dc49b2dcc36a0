// Renders an LLM span as a chat transcript. Tolerant of several shapes (OpenAI chat messages,
// OpenTelemetry GenAI parts, plain strings) found in attributes or in the span's data. Every
// tool call is shown once, with its arguments and its result.
import { h, highlighted } from './dom.js';
import * as fmt from './format.js';

const INPUT_KEYS = ['gen_ai.input.messages', 'gen_ai.request.messages', 'gen_ai.prompt', 'gen_ai.prompt.messages',
  'tasktree.llm.messages', 'llm.messages', 'messages', 'input'];
const SYSTEM_KEYS = ['gen_ai.system_instructions', 'gen_ai.request.system', 'system'];
const OUTPUT_KEYS = ['gen_ai.output.messages', 'gen_ai.response.messages', 'gen_ai.completion', 'gen_ai.response.output',
  'gen_ai.output', 'tasktree.llm.output', 'output', 'completion'];
const TOOL_KEYS = ['gen_ai.response.tool_calls', 'gen_ai.tool.calls', 'tasktree.llm.tool_calls', 'tool_calls', 'toolCalls'];

function parseMaybe(value) {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.parse(t);
    } catch (e) {
      return value;
    }
  }
  return value;
}

function pick(obj, keys) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) return obj[k];
  return undefined;
}

function textOf(content) {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => {
      if (typeof p === 'string') return p;
      if (p && (p.type === 'text' || p.type === 'output_text' || p.type === 'input_text')) return p.text ?? p.content ?? '';
      if (p && typeof p.text === 'string') return p.text;
      if (p && p.type && /image/.test(p.type)) return '[image]';
      if (p && (p.type === 'tool_call' || p.type === 'tool_call_response' || p.type === 'function_call')) return '';
      return JSON.stringify(p);
    }).filter((s) => s !== '').join('\n');
  }
  if (typeof content === 'object') {
    if (typeof content.text === 'string') return content.text;
    if (typeof content.content === 'string') return content.content;
    return JSON.stringify(content, null, 2);
  }
  return String(content);
}

function normRole(role) {
  const r = String(role || 'assistant').toLowerCase();
  if (r === 'human') return 'user';
  if (r === 'ai' || r === 'model') return 'assistant';
  if (r === 'developer') return 'system';
  if (r === 'function') return 'tool';
  return r;
}

function normToolCall(tc, i) {
  if (!tc || typeof tc !== 'object') return null;
  const fn = tc.function || tc.function_call || {};
  const name = tc.name ?? fn.name ?? tc.tool ?? tc.toolName ?? 'tool';
  const args = tc.arguments ?? fn.arguments ?? tc.args ?? tc.input ?? tc.parameters;
  const id = tc.id ?? tc.tool_call_id ?? tc.toolCallId ?? tc.call_id ?? `${name}#${i}`;
  const result = tc.result ?? tc.output ?? tc.response;
  return { id: String(id), name: String(name), arguments: parseMaybe(args), result: parseMaybe(result), hasResult: result !== undefined };
}

/** One message in a common shape: {role, text, toolCalls: [], toolCallId, result}. */
function normMessage(m) {
  if (m === null || m === undefined) return null;
  if (typeof m === 'string') return { role: 'user', text: m, toolCalls: [] };
  if (typeof m !== 'object') return { role: 'user', text: String(m), toolCalls: [] };
  const role = normRole(m.role ?? m.type ?? m.author);
  const toolCalls = [];
  const raw = m.tool_calls ?? m.toolCalls ?? (m.function_call ? [m.function_call] : null);
  if (Array.isArray(raw)) raw.forEach((tc, i) => { const n = normToolCall(tc, i); if (n) toolCalls.push(n); });
  let toolCallId = m.tool_call_id ?? m.toolCallId ?? null;
  let result;
  // OpenTelemetry GenAI "parts"
  if (Array.isArray(m.parts)) {
    const texts = [];
    m.parts.forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      if (p.type === 'text') texts.push(p.content ?? p.text ?? '');
      else if (p.type === 'tool_call') { const n = normToolCall(p, i); if (n) toolCalls.push(n); }
      else if (p.type === 'tool_call_response') { toolCallId = p.id ?? toolCallId; result = p.response ?? p.result; }
      else texts.push(JSON.stringify(p));
    });
    return { role, text: texts.join('\n'), toolCalls, toolCallId, result: parseMaybe(result) };
  }
  let text = textOf(m.content ?? m.text ?? m.message ?? '');
  if (role === 'tool') result = parseMaybe(m.content ?? m.result ?? m.output);
  return { role, text, toolCalls, toolCallId: toolCallId === null ? null : String(toolCallId), result, name: m.name };
}

function asMessages(value, defaultRole) {
  value = parseMaybe(value);
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ role: defaultRole, text: value, toolCalls: [] }];
  if (Array.isArray(value)) return value.map(normMessage).filter(Boolean);
  if (typeof value === 'object') {
    if (Array.isArray(value.messages)) return asMessages(value.messages, defaultRole);
    if (Array.isArray(value.choices)) return value.choices.map((c) => normMessage(c.message ?? c.delta ?? c.text ?? c));
    if (value.role || value.content !== undefined || value.tool_calls || value.parts) return [normMessage(value)];
    if (typeof value.text === 'string') return [{ role: defaultRole, text: value.text, toolCalls: [] }];
  }
  return [{ role: defaultRole, text: JSON.stringify(value, null, 2), toolCalls: [] }];
}

function key(m) {
  return JSON.stringify([m.role, m.text, m.toolCallId || null, m.toolCalls.map((t) => t.id)]);
}

/** The transcript of an LLM span, or null when it carries no messages at all. */
export function extractTranscript(span) {
  const a = span.attributes || {};
  const data = span.data && typeof span.data === 'object' && !Array.isArray(span.data) ? span.data : null;
  const messages = [];
  const system = pick(a, SYSTEM_KEYS);
  if (system !== undefined) asMessages(system, 'system').forEach((m) => messages.push({ ...m, role: 'system' }));
  let input = pick(a, INPUT_KEYS);
  if (input === undefined && data) input = pick(data.request || {}, ['messages']) ?? (a.output !== undefined ? data.messages : undefined);
  messages.push(...asMessages(input, 'user'));
  // The reply: an output attribute, else the data (reply object: appended messages, or text).
  let output = pick(a, OUTPUT_KEYS);
  let outputMessages;
  if (output !== undefined) outputMessages = asMessages(output, 'assistant');
  else if (data) {
    if (Array.isArray(data.messages) && input !== undefined) outputMessages = asMessages(data.messages, 'assistant');
    else if (Array.isArray(data.messages)) outputMessages = asMessages(data.messages, 'assistant');
    else if (data.choices) outputMessages = asMessages(data, 'assistant');
    else if (data.message) outputMessages = asMessages(data.message, 'assistant');
    else if (typeof data.text === 'string' || typeof data.content === 'string' || typeof data.output === 'string')
      outputMessages = [{ role: 'assistant', text: data.text ?? data.content ?? data.output, toolCalls: [] }];
    else outputMessages = [];
  } else if (typeof span.data === 'string' && messages.length) {
    outputMessages = [{ role: 'assistant', text: span.data, toolCalls: [] }];
  } else outputMessages = [];
  const seen = new Set(messages.map(key));
  for (const m of outputMessages) {
    if (!seen.has(key(m))) {
      seen.add(key(m));
      messages.push(m);
    }
  }
  // Extra tool-call lists (with results) merge into the calls already known, by id.
  const extra = [];
  for (const source of [pick(a, TOOL_KEYS), data ? pick(data, TOOL_KEYS) : undefined]) {
    const list = parseMaybe(source);
    if (Array.isArray(list)) list.forEach((tc, i) => { const n = normToolCall(tc, i); if (n) extra.push(n); });
  }
  if (!messages.length && !extra.length) return null;
  return resolveToolCalls(messages, extra);
}

/** Pairs tool calls with their results so each call is shown exactly once. */
function resolveToolCalls(messages, extra) {
  const calls = new Map();
  for (const m of messages) {
    const unique = [];
    for (const tc of m.toolCalls) {
      if (calls.has(tc.id)) continue; // the same call repeated in a later message
      calls.set(tc.id, tc);
      unique.push(tc);
    }
    m.toolCalls = unique;
  }
  const loose = [];
  for (const tc of extra) {
    const known = calls.get(tc.id);
    if (known) {
      if (!known.hasResult && tc.hasResult) {
        known.result = tc.result;
        known.hasResult = true;
      }
      if (known.arguments === undefined) known.arguments = tc.arguments;
    } else {
      calls.set(tc.id, tc);
      loose.push(tc);
    }
  }
  const out = [];
  for (const m of messages) {
    if (m.role === 'tool' && m.toolCallId && calls.has(m.toolCallId)) {
      const tc = calls.get(m.toolCallId);
      if (!tc.hasResult) {
        tc.result = m.result ?? m.text;
        tc.hasResult = true;
      }
      continue; // shown inside its call
    }
    out.push(m);
  }
  return { messages: out, looseCalls: loose };
}

function pretty(value) {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return fmt.json(value);
}

function toolCard(tc, needle) {
  return h('div', { class: 'tool-call', 'data-tool-call-id': tc.id },
    h('div', { class: 'tool-head' }, h('span', { class: 'badge kind' }, 'tool call'), ' ',
      h('span', { class: 'tool-name mono' }, tc.name), ' ', h('span', { class: 'muted small mono' }, tc.id)),
    h('div', { class: 'tool-label muted small' }, 'Arguments'),
    h('pre', { class: 'json' }, highlighted(pretty(tc.arguments), needle)),
    h('div', { class: 'tool-label muted small' }, 'Result'),
    tc.hasResult ? h('pre', { class: 'json tool-result' }, highlighted(pretty(tc.result), needle))
      : h('div', { class: 'muted small' }, 'no result recorded'));
}

export function renderTranscript(transcript, needle) {
  const box = h('div', { class: 'transcript' });
  for (const m of transcript.messages) {
    box.appendChild(h('div', { class: `msg role-${m.role.replace(/[^a-z_-]/g, '')}` },
      h('div', { class: 'msg-role' }, m.role + (m.name ? ` · ${m.name}` : '')),
      m.text ? h('div', { class: 'msg-text' }, highlighted(m.text, needle)) : null,
      m.role === 'tool' && m.result !== undefined && !m.text ? h('pre', { class: 'json' }, pretty(m.result)) : null,
      m.toolCalls.map((tc) => toolCard(tc, needle))));
  }
  if (transcript.looseCalls.length) {
    box.appendChild(h('div', { class: 'msg role-assistant' }, h('div', { class: 'msg-role' }, 'tool calls'),
      transcript.looseCalls.map((tc) => toolCard(tc, needle))));
  }
  return box;
}
