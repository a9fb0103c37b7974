/**
 * Why a call failed, in gRPC's vocabulary (the HTTP front door maps it to a status). `reason`
 * is stable and machine-readable (sent as the `slm-error-reason` trailer); `message` is for a
 * person and says what to change.
 */
export type FailureCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'FAILED_PRECONDITION'
  | 'CANCELLED'
  | 'INTERNAL';

export class CallFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly reason: string,
    message: string,
    /** The request field at fault, in the caller's naming (proto or OpenAI). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CallFailure';
  }
}

export const invalidArgument = (field: string, message: string): CallFailure =>
  new CallFailure('INVALID_ARGUMENT', 'INVALID_ARGUMENT', `${field}: ${message}`, field);

const HTTP_STATUS: Record<FailureCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  DEADLINE_EXCEEDED: 504,
  UNAVAILABLE: 503,
  FAILED_PRECONDITION: 422,
  CANCELLED: 499,
  INTERNAL: 500,
};

/** The HTTP status of a failure on the OpenAI-compatible front door. */
export function httpStatusOf(failure: CallFailure): number {
  if (failure.reason === 'REQUEST_TOO_LARGE') return 413;
  if (failure.reason === 'IDEMPOTENCY_KEY_REUSED') return 409;
  return HTTP_STATUS[failure.code];
}

/**
 * Any thrown value as a CallFailure; unexpected errors become INTERNAL without their details,
 * which the caller logs under `errorId` (the message names it, so the two can be matched).
 */
export function asCallFailure(error: unknown, errorId?: string): CallFailure {
  if (error instanceof CallFailure) return error;
  const where = errorId ? `its log has the error under errorId ${errorId}` : 'the error is in its log';
  return new CallFailure('INTERNAL', 'INTERNAL', `the router failed unexpectedly; ${where}`);
}
