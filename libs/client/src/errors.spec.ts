import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { SlmFleetError, slmFleetErrorOf } from './errors.js';

const serviceError = (code: status, details: string, reason?: string) => {
  const metadata = new Metadata();
  if (reason) metadata.set('slm-error-reason', reason);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
};

describe('slmFleetErrorOf', () => {
  it('names the status, takes the reason trailer and says whether to retry', () => {
    const error = slmFleetErrorOf(serviceError(status.NOT_FOUND, 'no task x; tasks: a, b', 'TASK_NOT_FOUND'));
    expect(error).toBeInstanceOf(SlmFleetError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      grpcCode: 5,
      reason: 'TASK_NOT_FOUND',
      details: 'no task x; tasks: a, b',
      retryable: false,
      message: 'NOT_FOUND (TASK_NOT_FOUND): no task x; tasks: a, b',
    });
    expect(slmFleetErrorOf(serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED'))).toMatchObject({
      code: 'UNAVAILABLE',
      reason: '',
      retryable: true,
    });
  });

  it('reports a cancelled call as CANCELLED once the caller aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const error = slmFleetErrorOf(serviceError(status.CANCELLED, 'Cancelled on client'), controller.signal);
    expect(error).toMatchObject({ code: 'CANCELLED', reason: 'CANCELLED', retryable: false });
  });

  it('reports anything else as UNKNOWN, keeping it as the cause', () => {
    const cause = new TypeError('boom');
    expect(slmFleetErrorOf(cause)).toMatchObject({ code: 'UNKNOWN', details: 'boom', cause });
  });
});
