import { ApiError } from './api-error.js';
import { readMessages } from './chat-messages.js';
import { parseToolOptions, type ToolChoice, type ToolSpec } from './chat-tools.js';
import type { JsonSchema } from './json-schema.js';
import { invalid, isRecord, optionalBoolean } from './request-checks.js';

/** The context window the simulated model reports; prompt plus max_tokens must fit, as in vLLM. */
export const MAX_MODEL_LEN = 131_072;

/** OpenAI's limit on top_logprobs. */
export const MAX_TOP_LOGPROBS = 20;

export type ResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name: string; schema: JsonSchema };

/** A validated chat completion request: what the simulator needs from it. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  /** stream_options.include_usage: a last chunk carries the usage. */
  includeUsage: boolean;
  /** max_completion_tokens, else max_tokens; undefined when neither is given. */
  maxTokens: number | undefined;
  responseFormat: ResponseFormat;
  /** The functions the model may call, in request order. */
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  /** logprobs: each output token comes with its log probability. */
  logprobs: boolean;
  /** top_logprobs: how many most likely tokens each position lists (0 without logprobs). */
  topLogprobs: number;
  /** The role of the last message; `tool` means a tool result just came back. */
  lastRole: string;
  /** The text of the last user message ('' without one). */
  lastUserText: string;
  /** ≈ ceil(characters / 4) over all message contents, earlier tool calls and the tools. */
  promptTokens: number;
  /**
   * The request minus its transport and reporting options (stream, stream_options, logprobs,
   * top_logprobs), serialized: equal keys mean equal answers, so a streamed answer has the same
   * text as a plain one, and asking for logprobs does not change the text.
   */
  answerKey: string;
}

/**
 * Validates a parsed JSON body like an OpenAI-compatible engine; throws ApiError. `served` is
 * the model, or the model and its LoRA adapters' names.
 */
export function parseChatRequest(body: unknown, served: string | readonly string[]): ChatRequest {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object', null);
  const { model } = body;
  if (typeof model !== 'string' || model === '') throw invalid('model is required', 'model');
  if (typeof served === 'string' ? model !== served : !served.includes(model)) {
    throw new ApiError(404, `The model \`${model}\` does not exist.`, 'model', 'model_not_found');
  }
  const { chars, lastRole, lastUserText } = readMessages(body.messages);
  const { tools, toolChoice, parallelToolCalls, chars: toolChars } = parseToolOptions(body);
  const promptTokens = Math.ceil((chars + toolChars) / 4);
  const maxTokens = parseMaxTokens(body);
  if (maxTokens !== undefined && promptTokens + maxTokens > MAX_MODEL_LEN) {
    const param = body.max_completion_tokens == null ? 'max_tokens' : 'max_completion_tokens';
    throw invalid(
      `This model's maximum context length is ${MAX_MODEL_LEN} tokens. However, you requested ` +
        `${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion).`,
      param,
    );
  }
  if (body.n != null && body.n !== 1) throw invalid('the simulator answers with one choice: n must be 1', 'n');
  const stream = optionalBoolean(body.stream, 'stream') ?? false;
  const includeUsage = parseStreamOptions(body.stream_options, stream);
  const logprobs = optionalBoolean(body.logprobs, 'logprobs') ?? false;
  const topLogprobs = parseTopLogprobs(body.top_logprobs, logprobs);
  const answerFields = { ...body };
  delete answerFields.stream;
  delete answerFields.stream_options;
  delete answerFields.logprobs;
  delete answerFields.top_logprobs;
  return {
    model,
    stream,
    includeUsage,
    maxTokens,
    responseFormat: parseResponseFormat(body.response_format),
    tools,
    toolChoice,
    parallelToolCalls,
    logprobs,
    topLogprobs,
    lastRole,
    lastUserText,
    promptTokens,
    answerKey: JSON.stringify(answerFields),
  };
}

function parseMaxTokens(body: Record<string, unknown>): number | undefined {
  // Newer clients send max_completion_tokens; it wins when both are present, as at OpenAI.
  for (const param of ['max_completion_tokens', 'max_tokens']) {
    const value = body[param];
    if (value == null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw invalid(`${param} must be an integer ≥ 1, got ${JSON.stringify(value)}`, param);
    }
    return value;
  }
  return undefined;
}

function parseStreamOptions(options: unknown, stream: boolean): boolean {
  if (options == null) return false;
  if (!stream) throw invalid('stream_options is only allowed when stream is true', 'stream_options');
  if (!isRecord(options)) throw invalid('stream_options must be an object', 'stream_options');
  return optionalBoolean(options.include_usage, 'stream_options.include_usage') ?? false;
}

function parseTopLogprobs(value: unknown, logprobs: boolean): number {
  const param = 'top_logprobs';
  if (value == null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TOP_LOGPROBS) {
    throw invalid(`top_logprobs must be an integer from 0 to ${MAX_TOP_LOGPROBS}, got ${JSON.stringify(value)}`, param);
  }
  if (!logprobs) throw invalid('top_logprobs needs logprobs: true', param);
  return value;
}

function parseResponseFormat(format: unknown): ResponseFormat {
  const param = 'response_format';
  if (format == null) return { type: 'text' };
  if (!isRecord(format)) throw invalid('response_format must be an object', param);
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema': {
      const spec = format.json_schema;
      if (!isRecord(spec)) throw invalid('response_format.json_schema must be an object', `${param}.json_schema`);
      if (typeof spec.name !== 'string' || spec.name === '') {
        throw invalid('response_format.json_schema.name is required', `${param}.json_schema.name`);
      }
      const schema = spec.schema ?? {};
      if (typeof schema !== 'boolean' && !isRecord(schema)) {
        throw invalid('response_format.json_schema.schema must be a JSON schema', `${param}.json_schema.schema`);
      }
      return { type: 'json_schema', name: spec.name, schema };
    }
    default:
      throw invalid("response_format.type must be 'text', 'json_object' or 'json_schema'", `${param}.type`);
  }
}
