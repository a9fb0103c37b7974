import { retryAfterMs, type RetryAfterHeaders } from './retry-after.js';

/**
 * How an engine call failed, which decides what the caller does next:
 * - transient: connection refused or reset, 5xx, 408, timeouts, a stream cut short: retry;
 * - invalid: the engine rejected the request (4xx): retrying the same request will not help;
 * - rate-limited: HTTP 429: ask nothing of this endpoint for `retryAfterMs`, then the same request may pass;
 * - aborted: the caller's signal fired; `reason` is the signal's reason.
 */
export type EngineErrorKind = 'transient' | 'invalid' | 'rate-limited' | 'aborted';

export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** The HTTP status, when the engine answered with one. */
    readonly status?: number,
    /** For `aborted`: the abort signal's reason. */
    readonly reason?: unknown,
    /** For `rate-limited`: how long the endpoint asked us to wait (see retryAfterMs). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The engine's own explanation from an error body (OpenAI shape `{error: {message}}`), else the body. */
export function engineErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.detail === 'string') return parsed.detail;
  } catch {
    // not JSON: the text itself is the best explanation there is
  }
  return body.trim().slice(0, 500);
}

/**
 * An error for an HTTP error status: 429 is a rate limit (with the wait its headers ask for),
 * other 4xx mean the request is at fault, everything else the engine. `now` dates a
 * Retry-After given as an HTTP date.
 */
export function errorForStatus(
  status: number,
  body: string,
  headers: RetryAfterHeaders = {},
  now: number = Date.now(),
): EngineError {
  const detail = engineErrorMessage(body) || 'no error message';
  if (status === 429) {
    const waitMs = retryAfterMs(headers, now);
    return new EngineError(
      'rate-limited',
      `engine answered HTTP 429 (rate limited; retry after ${waitMs} ms): ${detail}`,
      status,
      undefined,
      waitMs,
    );
  }
  if (status === 401 || status === 403) {
    return new EngineError(
      'invalid',
      `engine answered HTTP ${status} (the API key is missing or refused): ${detail}`,
      status,
    );
  }
  // 408 is the engine being slow, not the request being wrong.
  const invalid = status >= 400 && status < 500 && status !== 408;
  return new EngineError(invalid ? 'invalid' : 'transient', `engine answered HTTP ${status}: ${detail}`, status);
}

/**
 * An error for whatever a request threw: the caller's abort stays an abort (even when undici
 * reports it as a socket error), anything else (refused, reset, timed out) is transient.
 */
export function errorForThrown(error: unknown, signal?: AbortSignal): EngineError {
  if (error instanceof EngineError) return error;
  if (signal?.aborted) return new EngineError('aborted', 'engine call aborted', undefined, signal.reason);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new EngineError('transient', `engine unreachable or failed: ${message}`);
}

/**
 * The error with every occurrence of `secret` (the API key) in its message replaced: an
 * endpoint may echo the key it refused, and the message travels to logs and to the caller.
 */
export function redactSecret(error: EngineError, secret: string | undefined): EngineError {
  if (!secret || !error.message.includes(secret)) return error;
  const message = error.message.split(secret).join('[redacted]');
  return new EngineError(error.kind, message, error.status, error.reason, error.retryAfterMs);
}
