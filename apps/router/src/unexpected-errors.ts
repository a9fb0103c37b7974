import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { CallFailure, asCallFailure } from '@slm-fleet/calls';

/**
 * What a caller is told of an error. An unexpected one (a bug: the answer is a bare 500 or
 * INTERNAL, without details) is logged with its stack under an id that the caller's message
 * names, so a report from a caller leads to the log line.
 */
export function failureForCaller(error: unknown, task: string, logger: LoggerService): CallFailure {
  if (error instanceof CallFailure) return error;
  const errorId = randomBytes(6).toString('hex');
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logger.error({ msg: 'call failed unexpectedly', errorId, task, error: detail });
  return asCallFailure(error, errorId);
}
