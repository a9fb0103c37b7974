import type { ChatMessage, ToolCall } from '@slm-fleet/queue';
import { invalidArgument } from './call-failure.js';
import type { CallMessage, CallRequest, FieldNames } from './call-request.js';
import { TOOL_NAME } from './validate-tools.js';

export const MESSAGE_LIMITS = { maxMessages: 1000, maxNameLength: 256, maxToolCallIdLength: 256 } as const;

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

/** A conversation's tool calls that no tool message has answered yet, by id, with where they were made. */
type Unanswered = Map<string, string>;

function checkToolCalls(m: CallMessage, at: string, names: FieldNames, ids: Set<string>, open: Unanswered): ToolCall[] {
  if (m.role !== 'assistant') throw invalidArgument(`${at}.tool_calls`, 'only assistant messages call tools');
  return (m.toolCalls ?? []).map((call, j) => {
    const field = `${at}.tool_calls[${j}]`;
    if (call.id === '' || call.id.length > MESSAGE_LIMITS.maxToolCallIdLength) {
      throw invalidArgument(`${field}.id`, `must be 1 to ${MESSAGE_LIMITS.maxToolCallIdLength} characters`);
    }
    if (ids.has(call.id))
      throw invalidArgument(`${field}.id`, `"${call.id.slice(0, 80)}" is used by an earlier tool call`);
    const fn = `${field}.${names.functionPrefix}`;
    if (!TOOL_NAME.test(call.name)) {
      throw invalidArgument(
        `${fn}name`,
        `"${call.name.slice(0, 80)}" is not a function name (1 to 64 letters, digits, _ or -)`,
      );
    }
    try {
      JSON.parse(call.arguments);
    } catch {
      throw invalidArgument(`${fn}arguments`, `must be JSON text, got ${JSON.stringify(call.arguments.slice(0, 80))}`);
    }
    ids.add(call.id);
    open.set(call.id, field);
    return { id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
  });
}

/** A tool message answers exactly one earlier, not yet answered tool call. */
function checkToolResult(m: CallMessage, at: string, open: Unanswered): string {
  if (!m.toolCallId) throw invalidArgument(`${at}.tool_call_id`, 'is required: name the tool call this result answers');
  if (!open.has(m.toolCallId)) {
    throw invalidArgument(
      `${at}.tool_call_id`,
      `"${m.toolCallId.slice(0, 80)}" answers no earlier assistant tool call that is still unanswered`,
    );
  }
  open.delete(m.toolCallId);
  return m.toolCallId;
}

/** Tool calls must all be answered before the conversation goes on, as OpenAI's API insists. */
function checkAnswered(open: Unanswered, at: string): void {
  const [id, where] = open.entries().next().value ?? [];
  if (id !== undefined) {
    throw invalidArgument(at, `the tool call ${where} ("${id.slice(0, 80)}") has no tool message answering it`);
  }
}

/** Roles whose plain text messages need no more than a type check: the common case, kept cheap. */
const PLAIN_ROLES = new Set(['system', 'user', 'assistant']);

function checkMessage(m: CallMessage, i: number, names: FieldNames, ids: Set<string>, open: Unanswered): ChatMessage {
  // Most messages of most calls: text from system, user or assistant, nothing to answer.
  if (
    open.size === 0 &&
    typeof m.content === 'string' &&
    PLAIN_ROLES.has(m.role) &&
    m.name === undefined &&
    m.toolCallId === undefined &&
    !m.toolCalls?.length
  ) {
    return { role: m.role as ChatMessage['role'], content: m.content };
  }
  const at = `${names.messages}[${i}]`;
  if (!(ROLES as readonly string[]).includes(m.role)) {
    const hint = m.role === 'function' ? ' (the function role is replaced by tool)' : '';
    throw invalidArgument(`${at}.role`, `"${m.role.slice(0, 40)}" is not one of ${ROLES.join(', ')}${hint}`);
  }
  if (m.role !== 'tool') checkAnswered(open, at);
  if (m.toolCallId !== undefined && m.role !== 'tool') {
    throw invalidArgument(`${at}.tool_call_id`, 'only tool messages answer tool calls');
  }
  const toolCalls = m.toolCalls?.length ? checkToolCalls(m, at, names, ids, open) : undefined;
  if (m.content === null && !toolCalls) {
    throw invalidArgument(`${at}.content`, 'is required (only an assistant message that calls tools may omit it)');
  }
  if (m.name !== undefined && m.name.length > MESSAGE_LIMITS.maxNameLength) {
    throw invalidArgument(`${at}.name`, `must be at most ${MESSAGE_LIMITS.maxNameLength} characters`);
  }
  return {
    // Engines' chat templates know system; OpenAI's developer role means the same to them.
    role: m.role === 'developer' ? 'system' : (m.role as ChatMessage['role']),
    content: m.content,
    ...(m.name ? { name: m.name } : {}),
    ...(toolCalls ? { tool_calls: toolCalls } : {}),
    ...(m.role === 'tool' ? { tool_call_id: checkToolResult(m, at, open) } : {}),
  };
}

/** The conversation in the engines' shape, checked: roles, tool calls and the results that answer them. */
export function checkMessages(request: CallRequest, names: FieldNames): ChatMessage[] {
  const { messages, prompt } = request;
  if (messages.length > 0 && prompt) {
    throw invalidArgument(names.prompt, `give ${names.messages} or ${names.prompt}, not both`);
  }
  if (prompt) return [{ role: 'user', content: prompt }];
  if (messages.length === 0) {
    throw invalidArgument(names.messages, `is empty: give at least one message (or ${names.prompt})`);
  }
  if (messages.length > MESSAGE_LIMITS.maxMessages) {
    throw invalidArgument(names.messages, `has ${messages.length} messages; at most ${MESSAGE_LIMITS.maxMessages}`);
  }
  const ids = new Set<string>();
  const open: Unanswered = new Map();
  const checked = messages.map((m, i) => checkMessage(m, i, names, ids, open));
  checkAnswered(open, names.messages);
  if (checked.every((m) => (m.content ?? '').trim() === '' && !m.tool_calls)) {
    throw invalidArgument(names.messages, 'every message is empty: there is nothing to answer');
  }
  return checked;
}
