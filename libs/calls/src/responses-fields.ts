import { invalidArgument } from './call-failure.js';
import { isObject, type Body } from './json-shapes.js';

// Which Responses API parameters the /v1/responses door serves, as openai-fields.ts does for
// chat completions: served, a hint that changes no answer, accepted only at the value that
// asks for what slm-fleet does anyway, or refused by name with the reason. Never silently
// dropped: an agent would get a wrong answer without knowing why.

/** Served: mapped onto the call (responses-request.ts). */
const SERVED = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'max_output_tokens',
  'text',
  'include',
  'top_logprobs',
  'stream',
  'user',
]);

/**
 * Hints that do not change an answer: accepted and documented (docs/api.md). metadata is
 * echoed in the response; the cache keys and retention steer OpenAI's prompt cache; stream
 * options only turn OpenAI's obfuscation padding off (slm-fleet sends none); max_tool_calls
 * bounds built-in tools, which slm-fleet does not run.
 */
const HINTS = new Set([
  'metadata',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'stream_options',
  'max_tool_calls',
]);

/** Nothing is stored: each router replica answers from the request alone. */
const STATELESS = 'slm-fleet stores no responses; send the whole conversation in input';

/** reasoning is accepted when it asks for nothing: null, {} or only null settings. */
const asksNothing = (value: unknown): boolean =>
  isObject(value) && Object.values(value).every((v) => v === null || v === undefined);

/** Accepted only at a value that asks for what slm-fleet does anyway. */
const ONLY: Record<string, { ok: (value: unknown) => boolean; why: string }> = {
  store: {
    ok: (v) => v === false,
    why: `${STATELESS} (the response says store: false): send false or leave it out`,
  },
  background: { ok: (v) => v === false, why: 'background responses are not served: they would have to be stored' },
  truncation: {
    ok: (v) => v === 'disabled',
    why: 'only "disabled" is served: slm-fleet never drops input items; an input longer than the context is refused',
  },
  service_tier: { ok: (v) => v === 'auto' || v === 'default', why: 'only auto or default is served' },
  reasoning: { ok: asksNothing, why: 'is not served: specialists are not reasoning models' },
};

/** Refused, with what to do instead. */
const REFUSED: Record<string, string> = {
  previous_response_id: STATELESS,
  conversation: STATELESS,
  prompt: 'stored prompt templates are not served (slm-fleet stores none): send instructions and input',
  context_management: 'is not served: slm-fleet does not compact conversations',
};

/** Refuses a Responses parameter slm-fleet does not serve, naming it. Nulls are absent values. */
export function checkKnownResponsesFields(body: Body): void {
  for (const [field, value] of Object.entries(body)) {
    if (value === null || value === undefined || SERVED.has(field) || HINTS.has(field)) continue;
    const only = ONLY[field];
    if (only?.ok(value)) continue;
    const why = only?.why ?? REFUSED[field] ?? 'is not a Responses API parameter slm-fleet serves';
    throw invalidArgument(field, why);
  }
}
