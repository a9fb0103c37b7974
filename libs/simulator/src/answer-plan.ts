import { ApiError } from './api-error.js';
import type { ChatRequest } from './chat-request.js';
import { instanceForSchema } from './json-schema-instance.js';
import { type JsonSchema, type JsonValue, UnsupportedSchemaError } from './json-schema.js';
import { splitJsonTokens } from './json-tokens.js';
import { createRng, hashString, type Rng } from './prng.js';
import { phrase, wordTokens } from './words.js';

export type FinishReason = 'stop' | 'length';

/** What the simulated model will say: the tokens in order, and why it stops. */
export interface AnswerPlan {
  tokens: string[];
  finishReason: FinishReason;
}

/**
 * The answer to a request, decided by a hash of the request, so the same messages and
 * parameters always get the same answer.
 *
 * - Plain text runs to max_tokens (finish_reason "length", like an engine told to ignore EOS
 *   in a benchmark), or without max_tokens for `outputTokens` tokens ("stop").
 * - JSON modes answer a JSON text, cut into token-sized chunks. It ends naturally ("stop")
 *   unless max_tokens cuts it short ("length"; the JSON is then incomplete, as from an engine).
 *
 * Throws ApiError 400 for a response schema the simulator cannot satisfy.
 */
export function planAnswer(request: ChatRequest, outputTokens: number): AnswerPlan {
  const rng = createRng(hashString(request.answerKey));
  const { maxTokens, responseFormat } = request;
  if (responseFormat.type === 'text') {
    return {
      tokens: wordTokens(rng, maxTokens ?? outputTokens),
      finishReason: maxTokens === undefined ? 'stop' : 'length',
    };
  }
  const value =
    responseFormat.type === 'json_object' ? { answer: phrase(rng, 6) } : schemaInstance(responseFormat.schema, rng);
  const tokens = splitJsonTokens(JSON.stringify(value));
  if (maxTokens !== undefined && tokens.length > maxTokens)
    return { tokens: tokens.slice(0, maxTokens), finishReason: 'length' };
  return { tokens, finishReason: 'stop' };
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
