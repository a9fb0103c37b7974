/**
 * How an engine call failed, which decides what the caller does next:
 * - transient: connection refused or reset, 5xx, timeouts, a stream cut short: retry;
 * - invalid: the engine rejected the request (4xx): retrying the same request will not help;
 * - aborted: the caller's signal fired; `reason` is the signal's reason.
 */
export type EngineErrorKind = 'transient' | 'invalid' | 'aborted';

export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** The HTTP status, when the engine answered with one. */
    readonly status?: number,
    /** For `aborted`: the abort signal's reason. */
    readonly reason?: unknown,
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

/** An error for an HTTP error status: 4xx means the request is at fault, everything else the engine. */
export function errorForStatus(status: number, body: string): EngineError {
  const detail = engineErrorMessage(body) || 'no error message';
  // 408 and 429 are the engine being slow or full, not the request being wrong.
  const invalid = status >= 400 && status < 500 && status !== 408 && status !== 429;
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
