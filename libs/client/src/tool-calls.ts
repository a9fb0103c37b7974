// Reading a tool call's arguments. The client returns them as the model wrote them (JSON
// text), so nothing is lost; this parses them when the caller wants an object.
import type { ToolCall } from './types.js';

/**
 * A tool call's arguments, parsed. `T` is the caller's word for their shape: they are checked
 * against the tool's `parameters` schema only when the tool is `strict` (by the router), so
 * validate them yourself otherwise. Empty arguments (`''`, as some engines send for a tool
 * without parameters) parse as `{}`.
 *
 * @throws SyntaxError naming the call (id and tool) when the arguments are not a JSON object;
 *   its `cause` is JSON.parse's error, if that failed.
 */
export function parseToolArguments<T extends object = Record<string, unknown>>(call: ToolCall): T {
  const text = call.arguments.trim();
  if (text === '') return {} as T;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${callName(call)}: the arguments are not JSON: ${excerpt(text)}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError(`${callName(call)}: the arguments are not a JSON object: ${excerpt(text)}`);
  }
  return value as T;
}

const callName = (call: ToolCall) => `tool call ${call.id || '(no id)'} of ${call.name || '(no name)'}`;
const excerpt = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
