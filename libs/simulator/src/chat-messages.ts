// The messages of a chat request: validated, and summed up into what the answer depends on.
import { invalid, isRecord, requiredString } from './request-checks.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** What the simulator needs from the messages. */
export interface MessagesSummary {
  /** Characters of text: contents, and the names and arguments of earlier tool calls. */
  chars: number;
  /** The role of the last message; `tool` means a tool result just came back. */
  lastRole: string;
  /** The text of the last user message ('' without one): where `auto` looks for tool names. */
  lastUserText: string;
}

/** Validates the messages like an OpenAI-compatible engine (throws ApiError) and sums them up. */
export function readMessages(messages: unknown): MessagesSummary {
  if (!Array.isArray(messages)) throw invalid('messages must be an array of messages', 'messages');
  if (messages.length === 0) throw invalid('messages must not be empty', 'messages');
  let chars = 0;
  let lastRole = '';
  let lastUser: unknown = undefined;
  // Ids of the tool calls made so far: a tool message must answer one of them.
  const callIds = new Set<string>();
  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(message)) throw invalid(`${at} must be an object`, at);
    const { role, content } = message;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalid(`${at}.role must be one of ${[...ROLES].join(', ')}`, `${at}.role`);
    }
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) chars += partsLength(content, `${at}.content`);
    // An assistant turn that only calls tools has no content.
    else if (!(content == null && role === 'assistant')) {
      throw invalid(`${at}.content must be a string or an array of content parts`, `${at}.content`);
    }
    if (role === 'assistant' && message.tool_calls != null) chars += readToolCalls(message.tool_calls, at, callIds);
    if (role === 'tool') {
      const id = message.tool_call_id;
      if (typeof id !== 'string' || !callIds.has(id)) {
        throw invalid(
          `${at}.tool_call_id must be the id of a tool call of an earlier assistant message, not ${JSON.stringify(id)}`,
          `${at}.tool_call_id`,
        );
      }
    }
    if (role === 'user') lastUser = content;
    lastRole = role;
  });
  return { chars, lastRole, lastUserText: textOf(lastUser) };
}

function partsLength(parts: unknown[], at: string): number {
  let length = 0;
  parts.forEach((part, i) => {
    if (!isRecord(part) || typeof part.type !== 'string')
      throw invalid(`${at}[${i}] must be a content part`, `${at}[${i}]`);
    if (typeof part.text === 'string') length += part.text.length;
  });
  return length;
}

/** An assistant message's tool_calls, in OpenAI's shape; their ids go into `callIds`. */
function readToolCalls(calls: unknown, at: string, callIds: Set<string>): number {
  if (!Array.isArray(calls)) throw invalid(`${at}.tool_calls must be an array`, `${at}.tool_calls`);
  let chars = 0;
  calls.forEach((call: unknown, j) => {
    const where = `${at}.tool_calls[${j}]`;
    if (!isRecord(call)) throw invalid(`${where} must be an object`, where);
    callIds.add(requiredString(call.id, `${where}.id`));
    if (call.type !== 'function') throw invalid(`${where}.type must be 'function'`, `${where}.type`);
    const fn = call.function;
    if (!isRecord(fn)) throw invalid(`${where}.function must be an object`, `${where}.function`);
    chars += requiredString(fn.name, `${where}.function.name`).length;
    if (typeof fn.arguments !== 'string') {
      throw invalid(`${where}.function.arguments must be a string (JSON text)`, `${where}.function.arguments`);
    }
    chars += fn.arguments.length;
  });
  return chars;
}

/** The text of a validated content: the string, or its text parts, one per line. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content as Record<string, unknown>[]) if (typeof part.text === 'string') texts.push(part.text);
  return texts.join('\n');
}
