import { ApiError } from './api-error.js';
import type { JsonSchema } from './json-schema.js';

/** The context window the simulated model reports; prompt plus max_tokens must fit, as in vLLM. */
export const MAX_MODEL_LEN = 131_072;

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
  /** ≈ ceil(characters / 4) over all message contents. */
  promptTokens: number;
  /**
   * The request minus its transport options (stream, stream_options), serialized: equal keys
   * mean equal answers, so a streamed answer has the same text as a plain one.
   */
  answerKey: string;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** Validates a parsed JSON body like an OpenAI-compatible engine; throws ApiError. */
export function parseChatRequest(body: unknown, servedModel: string): ChatRequest {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object', null);
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') throw invalid('model is required', 'model');
  if (model !== servedModel) {
    throw new ApiError(404, `The model \`${model}\` does not exist.`, 'model', 'model_not_found');
  }
  const promptTokens = Math.ceil(contentLength(messages) / 4);
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
  const answerFields = { ...body };
  delete answerFields.stream;
  delete answerFields.stream_options;
  return {
    model,
    stream,
    includeUsage,
    maxTokens,
    responseFormat: parseResponseFormat(body.response_format),
    promptTokens,
    answerKey: JSON.stringify(answerFields),
  };
}

/** Characters of text over all messages, validating each message on the way. */
function contentLength(messages: unknown): number {
  if (!Array.isArray(messages)) throw invalid('messages must be an array of messages', 'messages');
  if (messages.length === 0) throw invalid('messages must not be empty', 'messages');
  let length = 0;
  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(message)) throw invalid(`${at} must be an object`, at);
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
      throw invalid(`${at}.role must be one of ${[...ROLES].join(', ')}`, `${at}.role`);
    }
    const { content } = message;
    if (typeof content === 'string') length += content.length;
    else if (Array.isArray(content)) length += partsLength(content, `${at}.content`);
    // An assistant turn that only calls tools has no content.
    else if (!(content == null && message.role === 'assistant')) {
      throw invalid(`${at}.content must be a string or an array of content parts`, `${at}.content`);
    }
  });
  return length;
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

function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${param} must be a boolean`, param);
  return value;
}

const invalid = (message: string, param: string | null): ApiError => new ApiError(400, message, param);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
