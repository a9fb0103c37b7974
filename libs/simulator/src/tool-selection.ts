// Which tools an answer calls: a deterministic stand-in for a model's decision, chosen so that
// an agent's tool loop ends (a tool call on the user's turn, text once the result is back).
import type { ChatRequest } from './chat-request.js';
import type { ToolSpec } from './chat-tools.js';
import type { Rng } from './prng.js';

/**
 * The tools the answer calls, in order; none means a text answer.
 *
 * - no tools, or tool_choice "none": none.
 * - a named function: that one.
 * - "required": one, picked with `rng` (seeded by the request, so a retry picks the same).
 * - "auto": none when the last message is a tool result (the model answers with text);
 *   otherwise the tools the last user message mentions (see `mentions`), all of them in
 *   `tools` order, or only the first with parallel_tool_calls false; mentioning none, the
 *   first tool.
 */
export function toolsToCall(request: Pick<ChatRequest, ToolFields>, rng: Rng): ToolSpec[] {
  const { tools, toolChoice } = request;
  const [first] = tools;
  if (first === undefined || toolChoice === 'none') return [];
  if (typeof toolChoice === 'object') return tools.filter((tool) => tool.name === toolChoice.name);
  if (toolChoice === 'required') return [rng.pick(tools)];
  if (request.lastRole === 'tool') return [];
  const mentioned = tools.filter((tool) => mentions(request.lastUserText, tool.name));
  if (mentioned.length === 0) return [first];
  return request.parallelToolCalls ? mentioned : mentioned.slice(0, 1);
}

type ToolFields = 'tools' | 'toolChoice' | 'parallelToolCalls' | 'lastRole' | 'lastUserText';

/**
 * Whether `text` names the tool, ignoring case, as a whole word: `lookup_order`, or with `_`
 * and `-` read as spaces, `lookup order`. Tool names are [a-zA-Z0-9_-] (checked when parsed),
 * so they are safe inside a regular expression.
 */
export function mentions(text: string, name: string): boolean {
  const spaced = name.replace(/[_-]+/g, ' ');
  return new RegExp(`(?<![a-z0-9_])(?:${name}|${spaced})(?![a-z0-9_])`, 'i').test(text);
}
