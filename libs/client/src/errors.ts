import { status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_REASON_TRAILER } from '@slm-fleet/proto';
import { isRetryable } from './retry-policy.js';

/** A gRPC status code by name, as the router's docs and `slm-error-reason` use them. */
export type StatusName = keyof typeof status;

/**
 * Why a call failed. Branch on `code` (the gRPC status) or `reason` (the router's stable
 * reason, such as TASK_NOT_FOUND or QUEUE_FULL; '' when the failure did not come from the
 * router, e.g. a connection that could not be made). `details` is for a person.
 */
export class SlmFleetError extends Error {
  override readonly name = 'SlmFleetError';
  /** Whether sending the call again (with the same idempotency key) may succeed. */
  readonly retryable: boolean;

  constructor(
    readonly code: StatusName,
    readonly reason: string,
    readonly details: string,
    /** How many times the call was sent. */
    readonly attempts = 1,
    options?: { cause?: unknown },
  ) {
    super(`${code}${reason && reason !== code ? ` (${reason})` : ''}: ${details}`, options);
    this.retryable = isRetryable(code, reason);
  }

  /** The numeric gRPC status code. */
  get grpcCode(): number {
    return status[this.code];
  }

  withAttempts(attempts: number): SlmFleetError {
    return new SlmFleetError(this.code, this.reason, this.details, attempts, { cause: this.cause });
  }
}

const isServiceError = (error: unknown): error is ServiceError =>
  error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';

/** Any failure of a grpc-js call as an SlmFleetError. */
export function slmFleetErrorOf(error: unknown, signal?: AbortSignal): SlmFleetError {
  if (error instanceof SlmFleetError) return error;
  if (signal?.aborted) return cancelledError(signal);
  if (!isServiceError(error)) {
    return new SlmFleetError('UNKNOWN', '', error instanceof Error ? error.message : String(error), 1, {
      cause: error,
    });
  }
  const code = (status[error.code] as StatusName | undefined) ?? 'UNKNOWN';
  const reason = error.metadata?.get(ERROR_REASON_TRAILER)[0]?.toString() ?? '';
  return new SlmFleetError(code, reason, error.details || error.message, 1, { cause: error });
}

export function cancelledError(signal: AbortSignal): SlmFleetError {
  return new SlmFleetError('CANCELLED', 'CANCELLED', 'the caller cancelled the call', 1, { cause: signal.reason });
}
