// A tool-call answer: its ids, and arguments that satisfy each tool's parameters schema.
import type { AnswerPlan, PlannedToolCall } from './answer-plan.js';
import { ApiError } from './api-error.js';
import type { ToolSpec } from './chat-tools.js';
import { instanceForSchema } from './json-schema-instance.js';
import { type JsonValue, UnsupportedSchemaError } from './json-schema.js';
import { splitJsonTokens } from './json-tokens.js';
import { breakInstance } from './off-schema.js';
import type { Rng } from './prng.js';

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Calls `tools` in order. The tokens are the arguments' JSON text, one call after another (the
 * completion tokens; names and ids are free). max_tokens can cut the arguments short, as on an
 * engine: finish_reason "length", the last call's arguments incomplete, later calls dropped.
 * `offSchema` gives every call arguments that break its tool's parameters, where they can be broken.
 */
export function planToolCalls(
  tools: readonly ToolSpec[],
  maxTokens: number | undefined,
  rng: Rng,
  offSchema = false,
): AnswerPlan {
  const tokens: string[] = [];
  const toolCalls: PlannedToolCall[] = [];
  const ids = new Set<string>();
  let broken = false;
  for (const tool of tools) {
    let id = callId(rng);
    while (ids.has(id)) id = callId(rng); // unique within the answer, however unlikely a clash
    ids.add(id);
    const start = tokens.length;
    const args = toolArguments(tool, rng);
    const wrong = offSchema ? breakInstance(tool.parameters, args) : undefined;
    broken ||= wrong !== undefined;
    tokens.push(...splitJsonTokens(JSON.stringify(wrong ?? args)));
    toolCalls.push({ id, name: tool.name, start, end: tokens.length });
  }
  const marks = broken ? { offSchema: true } : {};
  if (maxTokens === undefined || tokens.length <= maxTokens) {
    return { tokens, finishReason: 'tool_calls', toolCalls, ...marks };
  }
  return {
    tokens: tokens.slice(0, maxTokens),
    finishReason: 'length',
    toolCalls: toolCalls
      .filter((call) => call.start < maxTokens)
      .map((call) => ({ ...call, end: Math.min(call.end, maxTokens) })),
    ...marks,
  };
}

/** OpenAI's shape, `call_` and 24 letters and digits; drawn from the request's generator. */
function callId(rng: Rng): string {
  let id = 'call_';
  for (let i = 0; i < 24; i++) id += ID_CHARS[rng.int(0, ID_CHARS.length - 1)];
  return id;
}

function toolArguments(tool: ToolSpec, rng: Rng): JsonValue {
  try {
    return instanceForSchema(tool.parameters, rng);
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) {
      const param = `tools[${tool.index}].function.parameters`;
      throw new ApiError(400, `unsupported parameters schema of tool ${tool.name}: ${error.message}`, param);
    }
    throw error;
  }
}
