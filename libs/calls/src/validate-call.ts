import { CallFailure, invalidArgument } from './call-failure.js';
import type { CallRequest, FieldNames, ValidCall } from './call-request.js';
import type { SchemaValidators } from './schema-validator.js';
import { MESSAGE_LIMITS, checkMessages } from './validate-messages.js';
import { checkToolChoice, checkTools } from './validate-tools.js';

export const CALL_LIMITS = {
  maxMessages: MESSAGE_LIMITS.maxMessages,
  maxTopLogprobs: 20,
  maxTokens: 32768,
  maxStopSequences: 4,
  maxStopLength: 256,
  maxSchemaBytes: 64 * 1024,
  maxIdempotencyKeyLength: 128,
  maxSessionKeyLength: 256,
  minPriority: -1000,
  maxPriority: 1000,
} as const;

const TASK_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// No colon: BullMQ job ids (the key becomes one) may not contain it.
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._-]+$/;

function checkTask(task: string, names: FieldNames): void {
  if (task === '') throw invalidArgument(names.task, 'is required: name the task to run');
  if (!TASK_NAME.test(task)) {
    throw invalidArgument(names.task, `"${task.slice(0, 80)}" is not a task name (lowercase letters, digits and -)`);
  }
}

function checkRange(value: number | undefined, field: string, min: number, max: number, integer: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw invalidArgument(
      field,
      `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${value}`,
    );
  }
}

function checkParams(request: CallRequest, names: FieldNames): ValidCall['params'] {
  const { maxTokens, temperature, topP, stop, seed, frequencyPenalty, presencePenalty, logprobs, topLogprobs } =
    request.params;
  checkRange(maxTokens, names.maxTokens, 1, CALL_LIMITS.maxTokens, true);
  checkRange(temperature, names.temperature, 0, 2, false);
  if (topP !== undefined && (!Number.isFinite(topP) || topP <= 0 || topP > 1)) {
    throw invalidArgument(names.topP, `must be greater than 0 and at most 1, got ${topP}`);
  }
  checkRange(seed, names.seed, -(2 ** 31), 2 ** 31 - 1, true);
  checkRange(frequencyPenalty, names.frequencyPenalty, -2, 2, false);
  checkRange(presencePenalty, names.presencePenalty, -2, 2, false);
  checkRange(topLogprobs, names.topLogprobs, 0, CALL_LIMITS.maxTopLogprobs, true);
  if (topLogprobs !== undefined && logprobs !== true) {
    throw invalidArgument(names.topLogprobs, `needs ${names.logprobs} set to true`);
  }
  if (stop && stop.length > CALL_LIMITS.maxStopSequences) {
    throw invalidArgument(names.stop, `has ${stop.length} sequences; at most ${CALL_LIMITS.maxStopSequences}`);
  }
  stop?.forEach((s, i) => {
    if (s === '' || s.length > CALL_LIMITS.maxStopLength) {
      throw invalidArgument(`${names.stop}[${i}]`, `must be 1 to ${CALL_LIMITS.maxStopLength} characters`);
    }
  });
  return {
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(stop && stop.length > 0 ? { stop } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(frequencyPenalty === undefined ? {} : { frequency_penalty: frequencyPenalty }),
    ...(presencePenalty === undefined ? {} : { presence_penalty: presencePenalty }),
    ...(logprobs === undefined ? {} : { logprobs }),
    ...(topLogprobs === undefined ? {} : { top_logprobs: topLogprobs }),
  };
}

function checkSchema(text: string | undefined, names: FieldNames, validators: SchemaValidators) {
  if (text === undefined || text === '') return undefined;
  if (Buffer.byteLength(text) > CALL_LIMITS.maxSchemaBytes) {
    throw invalidArgument(names.jsonSchema, `is larger than ${CALL_LIMITS.maxSchemaBytes} bytes`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(names.jsonSchema, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalidArgument(names.jsonSchema, 'must be a JSON object (a JSON Schema)');
  }
  try {
    validators.validatorFor(schema as Record<string, unknown>);
  } catch (error) {
    throw invalidArgument(names.jsonSchema, `is not a valid JSON Schema: ${(error as Error).message}`);
  }
  return schema as Record<string, unknown>;
}

function checkKeys(request: CallRequest, names: FieldNames): void {
  const { idempotencyKey, sessionKey } = request;
  if (
    idempotencyKey &&
    (idempotencyKey.length > CALL_LIMITS.maxIdempotencyKeyLength || !IDEMPOTENCY_KEY.test(idempotencyKey))
  ) {
    throw invalidArgument(
      names.idempotencyKey,
      `must be 1 to ${CALL_LIMITS.maxIdempotencyKeyLength} letters, digits, '.', '_' or '-'`,
    );
  }
  if (sessionKey && sessionKey.length > CALL_LIMITS.maxSessionKeyLength) {
    throw invalidArgument(names.sessionKey, `must be at most ${CALL_LIMITS.maxSessionKeyLength} characters`);
  }
  checkRange(request.priority, names.priority, CALL_LIMITS.minPriority, CALL_LIMITS.maxPriority, true);
}

/**
 * Checks a call before it is routed. Throws a CallFailure (INVALID_ARGUMENT) naming the field
 * in the caller's own naming; nothing is queued for a bad call.
 */
export function validateCall(request: CallRequest, names: FieldNames, validators: SchemaValidators): ValidCall {
  checkTask(request.task, names);
  const messages = checkMessages(request, names);
  const params = checkParams(request, names);
  const jsonSchema = checkSchema(request.jsonSchema, names, validators);
  const tools = checkTools(request, names, validators);
  const toolChoice = checkToolChoice(request, tools, names);
  if (request.parallelToolCalls !== undefined && !tools) {
    throw invalidArgument(names.parallelToolCalls, `is set, but the call gives no ${names.tools}`);
  }
  checkKeys(request, names);
  return {
    task: request.task,
    messages,
    params,
    ...(jsonSchema ? { jsonSchema } : {}),
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(request.parallelToolCalls === undefined ? {} : { parallelToolCalls: request.parallelToolCalls }),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    ...(request.sessionKey ? { sessionKey: request.sessionKey } : {}),
    ...(request.priority === undefined ? {} : { priority: request.priority }),
  };
}

/** Refuses a request larger than the router accepts, saying the limit. */
export function checkRequestSize(bytes: number, maxBytes: number): void {
  if (bytes > maxBytes) {
    throw new CallFailure(
      'RESOURCE_EXHAUSTED',
      'REQUEST_TOO_LARGE',
      `the request is ${bytes} bytes; this router accepts at most ${maxBytes} (--max-request-bytes)`,
    );
  }
}
