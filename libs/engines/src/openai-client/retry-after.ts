/** When a 429 names no wait: long enough not to hammer the endpoint, short enough to go on soon. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;
/** An endpoint saying "0" is still not asked again at once: a loop of 429s would spin. */
export const MIN_RETRY_AFTER_MS = 100;
/** A bogus header must not stop a queue for a day; every call's deadline is far shorter. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** The headers of a 429 that say when to ask again, as undici hands them (lower-case names). */
export interface RetryAfterHeaders {
  'retry-after-ms'?: string | string[] | undefined;
  'retry-after'?: string | string[] | undefined;
}

/**
 * How long to wait before asking the endpoint again after a 429: `retry-after-ms` (OpenAI and
 * Azure send it: milliseconds, maybe fractional), else `Retry-After` in seconds or as an HTTP
 * date (RFC 9110 §10.2.3), else DEFAULT_RETRY_AFTER_MS. A header that does not parse is ignored
 * like an absent one. The result is clamped to [MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS].
 */
export function retryAfterMs(headers: RetryAfterHeaders, now: number): number {
  const parsed = millisecondsOf(first(headers['retry-after-ms'])) ?? retryAfterOf(first(headers['retry-after']), now);
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, parsed ?? DEFAULT_RETRY_AFTER_MS));
}

const first = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.trim();

/** A non-negative decimal number; anything else (empty, negative, "1e3", "soon") is undefined. */
function numberOf(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function millisecondsOf(text: string | undefined): number | undefined {
  const ms = numberOf(text);
  return ms === undefined ? undefined : Math.ceil(ms);
}

function retryAfterOf(text: string | undefined, now: number): number | undefined {
  if (text === undefined || text === '') return undefined;
  const seconds = numberOf(text);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  // An HTTP date names only whole seconds; a date in the past means "now".
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
