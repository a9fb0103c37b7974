import { invalidArgument } from './call-failure.js';
import type { CallRequest } from './call-request.js';

/** A chat completion request to the OpenAI-compatible front door, mapped to a call. */
export interface OpenAiCall {
  request: CallRequest;
  stream: boolean;
  includeUsage: boolean;
}

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalNumber(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalidArgument(field, `must be a number, got ${typeof value}`);
  return value;
}

/** Message content: a string, or an array of text parts (other part types are not served). */
function contentOf(value: unknown, index: number): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (!Array.isArray(value))
    throw invalidArgument(`messages[${index}].content`, 'must be a string or an array of parts');
  return value
    .map((part: unknown, p) => {
      if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        throw invalidArgument(`messages[${index}].content[${p}]`, 'only text parts ({type: "text", text}) are served');
      }
      return part.text;
    })
    .join('');
}

function messagesOf(value: unknown): CallRequest['messages'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument('messages', 'must be an array of messages');
  return value.map((m: unknown, i) => {
    if (!isObject(m) || typeof m.role !== 'string') {
      throw invalidArgument(`messages[${i}]`, 'must be an object with a role and content');
    }
    return { role: m.role, content: contentOf(m.content, i) };
  });
}

function stopOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value as string[];
  throw invalidArgument('stop', 'must be a string or an array of strings');
}

function schemaOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidArgument('response_format', 'must be an object');
  if (value.type === 'text') return undefined;
  if (value.type === 'json_object') return '{"type":"object"}';
  if (value.type === 'json_schema') {
    const spec = value.json_schema;
    if (!isObject(spec) || !isObject(spec.schema)) {
      throw invalidArgument('response_format.json_schema.schema', 'must be a JSON Schema object');
    }
    return JSON.stringify(spec.schema);
  }
  throw invalidArgument('response_format.type', 'must be text, json_object or json_schema');
}

/**
 * Maps an OpenAI chat completion body to a call: `model` is the task name. Shape errors name
 * the OpenAI parameter; validateCall then checks the values.
 */
export function openAiCallOf(body: unknown, headers: { idempotencyKey?: string; priority?: string }): OpenAiCall {
  if (!isObject(body)) throw invalidArgument('body', 'must be a JSON object');
  if (typeof body.model !== 'string') throw invalidArgument('model', 'is required: the task name, as a string');
  const n = optionalNumber(body, 'n');
  if (n !== undefined && n !== 1) throw invalidArgument('n', 'only n = 1 is served');
  const maxTokens = optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const seed = optionalNumber(body, 'seed');
  const stop = stopOf(body.stop);
  const jsonSchema = schemaOf(body.response_format);
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    throw invalidArgument('stream', 'must be true or false');
  let priority: number | undefined;
  if (headers.priority !== undefined) {
    priority = Number(headers.priority);
    if (!/^-?\d+$/.test(headers.priority)) {
      throw invalidArgument('X-Slm-Priority header', `must be a whole number, got "${headers.priority}"`);
    }
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    request: {
      task: body.model,
      messages: messagesOf(body.messages),
      params: {
        ...(maxTokens === undefined ? {} : { maxTokens }),
        ...(temperature === undefined ? {} : { temperature }),
        ...(topP === undefined ? {} : { topP }),
        ...(stop ? { stop } : {}),
        ...(seed === undefined ? {} : { seed }),
      },
      ...(jsonSchema ? { jsonSchema } : {}),
      ...(headers.idempotencyKey ? { idempotencyKey: headers.idempotencyKey } : {}),
      ...(typeof body.user === 'string' && body.user ? { sessionKey: body.user } : {}),
      ...(priority === undefined ? {} : { priority }),
    },
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}
