import { invalidArgument } from './call-failure.js';
import type { CallMessage, CallToolCall } from './call-request.js';
import { isObject, type Body } from './json-shapes.js';
import { MESSAGE_LIMITS } from './validate-messages.js';
import { TOOL_NAME } from './validate-tools.js';

// The Responses API's `input` as a chat conversation, the shape engines take. Items, not
// messages: a function call is an item of its own, and so is its output. Consecutive
// function_call items (after the assistant message that precedes them, if any) become one
// assistant message's tool_calls; a function_call_output becomes a tool message.
//
// The pairing of calls and outputs is checked here, not in validateCall, because only here do
// errors point at the item the caller sent (`input[3].call_id`); validateCall sees the merged
// messages and would name positions the caller never wrote.

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);
/** Parts that carry text: the caller's own, and an earlier answer's output sent back. */
const TEXT_PARTS = new Set(['input_text', 'output_text']);

/** Items refused by type, with what to do instead. */
const REFUSED_ITEMS: Record<string, string> = {
  item_reference: 'item references are not served: slm-fleet stores no items; send the item itself',
  reasoning: 'reasoning items are not served: specialists are not reasoning models',
};

/** Text parts joined (engines' chat templates take text); other parts are refused by name. */
function textOf(value: unknown, at: string, parts: Set<string>): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidArgument(at, 'must be a string or an array of text parts');
  return value
    .map((part: unknown, p) => {
      const field = `${at}[${p}]`;
      if (!isObject(part)) throw invalidArgument(field, 'must be an object {type: "input_text", text}');
      if (typeof part.type !== 'string' || !parts.has(part.type)) {
        throw invalidArgument(
          `${field}.type`,
          `only text parts (${[...parts].join(', ')}) are served, got ${JSON.stringify(part.type)}`,
        );
      }
      if (typeof part.text !== 'string') throw invalidArgument(`${field}.text`, 'must be a string');
      return part.text;
    })
    .join('');
}

/** The conversation being built, with the function calls not answered yet. */
class Conversation {
  readonly messages: CallMessage[] = [];
  private readonly callIds = new Set<string>();
  /** call_id -> the item that made the call, for errors. */
  private readonly open = new Map<string, string>();
  /** What the previous item was: function calls join the assistant turn just before them. */
  private previous: 'assistant' | 'function_call' | 'other' = 'other';

  message(item: Body, at: string): void {
    const role = item.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalidArgument(`${at}.role`, `must be one of ${[...ROLES].join(', ')}, got ${JSON.stringify(role)}`);
    }
    if (item.content === undefined || item.content === null) throw invalidArgument(`${at}.content`, 'is required');
    this.answered(at);
    this.messages.push({ role, content: textOf(item.content, `${at}.content`, TEXT_PARTS) });
    this.previous = role === 'assistant' ? 'assistant' : 'other';
  }

  functionCall(item: Body, at: string): void {
    const call = this.callOf(item, at);
    const last = this.messages.at(-1);
    if (this.previous !== 'other' && last) {
      (last.toolCalls ??= []).push(call);
    } else {
      this.answered(at);
      this.messages.push({ role: 'assistant', content: null, toolCalls: [call] });
    }
    this.callIds.add(call.id);
    this.open.set(call.id, at);
    this.previous = 'function_call';
  }

  functionCallOutput(item: Body, at: string): void {
    const callId = item.call_id;
    if (typeof callId !== 'string' || callId === '') {
      throw invalidArgument(`${at}.call_id`, 'is required: the call_id of the function_call this output answers');
    }
    if (!this.open.has(callId)) {
      throw invalidArgument(
        `${at}.call_id`,
        `"${callId.slice(0, 80)}" answers no earlier function_call item that is still unanswered`,
      );
    }
    if (item.output === undefined || item.output === null) throw invalidArgument(`${at}.output`, 'is required');
    this.open.delete(callId);
    this.messages.push({
      role: 'tool',
      content: textOf(item.output, `${at}.output`, new Set(['input_text'])),
      toolCallId: callId,
    });
    this.previous = 'other';
  }

  /** Every function call must have its output before the conversation goes on, as OpenAI insists. */
  answered(at: string): void {
    const [callId, where] = this.open.entries().next().value ?? [];
    if (callId !== undefined) {
      throw invalidArgument(
        at,
        `the function_call ${where} ("${callId.slice(0, 80)}") has no function_call_output answering it`,
      );
    }
  }

  private callOf(item: Body, at: string): CallToolCall {
    const { call_id: id, name, arguments: args } = item;
    if (typeof id !== 'string' || id === '' || id.length > MESSAGE_LIMITS.maxToolCallIdLength) {
      throw invalidArgument(
        `${at}.call_id`,
        `must be a string of 1 to ${MESSAGE_LIMITS.maxToolCallIdLength} characters`,
      );
    }
    if (this.callIds.has(id))
      throw invalidArgument(`${at}.call_id`, `"${id.slice(0, 80)}" is used by an earlier function_call`);
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw invalidArgument(`${at}.name`, 'must be a function name (1 to 64 letters, digits, _ or -)');
    }
    if (typeof args !== 'string') throw invalidArgument(`${at}.arguments`, 'must be JSON text, as a string');
    try {
      JSON.parse(args);
    } catch {
      throw invalidArgument(`${at}.arguments`, `must be JSON text, got ${JSON.stringify(args.slice(0, 80))}`);
    }
    return { id, name, arguments: args };
  }
}

/**
 * `input` (a string: one user message; or input items) as chat messages. Items may be sent
 * back as an earlier response gave them (with their id and status, which mean nothing here).
 */
export function inputMessages(input: unknown): CallMessage[] {
  if (input === undefined || input === null) {
    throw invalidArgument('input', 'is required: a string, or an array of input items');
  }
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) throw invalidArgument('input', 'must be a string or an array of input items');
  if (input.length === 0) throw invalidArgument('input', 'is empty: give at least one item');
  const conversation = new Conversation();
  input.forEach((item: unknown, i) => {
    const at = `input[${i}]`;
    if (!isObject(item))
      throw invalidArgument(at, 'must be an object: a message, function_call or function_call_output item');
    // An easy input message ({role, content}) may leave its type out.
    const type = item.type ?? (item.role === undefined ? undefined : 'message');
    if (type === 'message') conversation.message(item, at);
    else if (type === 'function_call') conversation.functionCall(item, at);
    else if (type === 'function_call_output') conversation.functionCallOutput(item, at);
    else {
      const why = typeof type === 'string' ? REFUSED_ITEMS[type] : undefined;
      throw invalidArgument(
        `${at}.type`,
        why ?? `only message, function_call and function_call_output items are served, got ${JSON.stringify(type)}`,
      );
    }
  });
  conversation.answered('input');
  return conversation.messages;
}
