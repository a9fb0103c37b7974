import { ApiError } from './api-error.js';
import type { ChatRequest } from './chat-request.js';
import { instanceForSchema } from './json-schema-instance.js';
import { type JsonSchema, type JsonValue, UnsupportedSchemaError } from './json-schema.js';
import { breakInstance } from './off-schema.js';
import { splitJsonTokens } from './json-tokens.js';
import { type TokenLogprob, tokenLogprobs } from './logprobs.js';
import { createRng, hashString, type Rng } from './prng.js';
import { planToolCalls } from './tool-call-plan.js';
import { toolsToCall } from './tool-selection.js';
import { phrase, wordTokens } from './words.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** A tool call of the answer: its arguments are the plan's tokens [start, end). */
export interface PlannedToolCall {
  id: string;
  name: string;
  start: number;
  end: number;
}

/** What the simulated model will say: the tokens in order, and why it stops. */
export interface AnswerPlan {
  tokens: string[];
  finishReason: FinishReason;
  /** Present when the answer calls tools (then it has no text): the calls, in order. */
  toolCalls?: PlannedToolCall[];
  /** Present when the request asked for logprobs: one entry per token. */
  logprobs?: TokenLogprob[];
  /** True when the answer breaks the requested schema or tool parameters (the off-schema fault). */
  offSchema?: boolean;
  /** True when the logprobs are low-confidence ones (the low-confidence fault, with logprobs asked for). */
  lowConfidence?: boolean;
}

/** The answer faults drawn for a request (faults.ts); neither by default. */
export interface AnswerFaults {
  /** Break the requested JSON schema or the called tools' parameters, where there is one to break. */
  offSchema?: boolean;
  /** Low logprobs, when the request asked for logprobs. */
  lowConfidence?: boolean;
}

/**
 * The answer to a request, decided by a hash of the request, so the same messages and
 * parameters always get the same answer.
 *
 * - Tool calls when `toolsToCall` picks any (tool-selection.ts), their arguments satisfying
 *   each tool's parameters schema (finish_reason "tool_calls", or "length" when max_tokens
 *   cuts them short).
 * - Plain text runs to max_tokens (finish_reason "length", like an engine told to ignore EOS
 *   in a benchmark), or without max_tokens for `outputTokens` tokens ("stop").
 * - JSON modes answer a JSON text, cut into token-sized chunks. It ends naturally ("stop")
 *   unless max_tokens cuts it short ("length"; the JSON is then incomplete, as from an engine).
 *
 * `faults` make it a worse answer (see AnswerFaults); the plan says which ones took effect.
 *
 * Throws ApiError 400 for a response or parameters schema the simulator cannot satisfy.
 */
export function planAnswer(request: ChatRequest, outputTokens: number, faults: AnswerFaults = {}): AnswerPlan {
  const seed = hashString(request.answerKey);
  const rng = createRng(seed);
  const calls = toolsToCall(request, rng);
  const offSchema = faults.offSchema ?? false;
  const plan =
    calls.length > 0
      ? planToolCalls(calls, request.maxTokens, rng, offSchema)
      : textPlan(request, outputTokens, rng, offSchema);
  // Only when asked: a plain answer does no per-token work beyond its tokens.
  if (request.logprobs) {
    const lowConfidence = faults.lowConfidence ?? false;
    plan.logprobs = tokenLogprobs(plan.tokens, request.topLogprobs, seed, lowConfidence);
    if (lowConfidence) plan.lowConfidence = true;
  }
  return plan;
}

function textPlan(request: ChatRequest, outputTokens: number, rng: Rng, offSchema: boolean): AnswerPlan {
  const { maxTokens, responseFormat } = request;
  if (responseFormat.type === 'text') {
    return {
      tokens: wordTokens(rng, maxTokens ?? outputTokens),
      finishReason: maxTokens === undefined ? 'stop' : 'length',
    };
  }
  const schema: JsonSchema = responseFormat.type === 'json_object' ? { type: 'object' } : responseFormat.schema;
  const value = responseFormat.type === 'json_object' ? { answer: phrase(rng, 6) } : schemaInstance(schema, rng);
  const broken = offSchema ? breakInstance(schema, value) : undefined;
  const tokens = splitJsonTokens(JSON.stringify(broken ?? value));
  const marks = broken === undefined ? {} : { offSchema: true };
  if (maxTokens !== undefined && tokens.length > maxTokens)
    return { tokens: tokens.slice(0, maxTokens), finishReason: 'length', ...marks };
  return { tokens, finishReason: 'stop', ...marks };
}

function schemaInstance(schema: JsonSchema, rng: Rng): JsonValue {
  try {
    return instanceForSchema(schema, rng);
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) {
      throw new ApiError(400, `unsupported response schema: ${error.message}`, 'response_format.json_schema.schema');
    }
    throw error;
  }
}
