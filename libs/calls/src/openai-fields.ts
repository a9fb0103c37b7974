import { invalidArgument } from './call-failure.js';
import type { Body } from './json-shapes.js';

// Which chat completion parameters the front door serves. A parameter that is accepted and
// then ignored gives an agent a silent wrong answer, so every one OpenAI defines is served,
// accepted only at the value that changes nothing, or refused by name with the reason.

/** Served: mapped onto the call. */
const SERVED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'logprobs',
  'top_logprobs',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'stream',
  'stream_options',
  'user',
  'n',
]);

/**
 * Hints that do not change an answer: accepted and documented as such (docs/api.md).
 * metadata and prompt_cache_key are OpenAI's tags for stored completions and its cache routing;
 * slm-fleet stores nothing and routes by task.
 */
const HINTS = new Set(['metadata', 'prompt_cache_key', 'safety_identifier']);

/** Accepted only at a value that asks for what slm-fleet does anyway. */
const ONLY: Record<string, { ok: (value: unknown) => boolean; why: string }> = {
  store: { ok: (v) => v === false, why: 'slm-fleet stores no completions: send false or leave it out' },
  service_tier: { ok: (v) => v === 'auto' || v === 'default', why: 'only auto or default is served' },
  modalities: {
    ok: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
    why: 'only ["text"] is served',
  },
};

/** Refused, with what to do instead. */
const REFUSED: Record<string, string> = {
  functions: 'the deprecated functions parameter is not served: use tools',
  function_call: 'the deprecated function_call parameter is not served: use tool_choice',
  logit_bias: 'is not served: token ids differ between specialists, so a bias would mean different tokens on each',
  audio: 'audio output is not served',
  prediction: 'predicted outputs are not served',
  web_search_options: 'web search is not served',
  reasoning_effort: 'is not served: specialists are not reasoning models',
  verbosity: 'is not served',
};

/** Refuses a parameter slm-fleet does not serve, naming it. Nulls are absent values. */
export function checkKnownFields(body: Body): void {
  for (const [field, value] of Object.entries(body)) {
    if (value === null || value === undefined || SERVED.has(field) || HINTS.has(field)) continue;
    const only = ONLY[field];
    if (only?.ok(value)) continue;
    const why = only?.why ?? REFUSED[field] ?? 'is not a chat completion parameter slm-fleet serves';
    throw invalidArgument(field, why);
  }
}
