import { describe, expect, it } from 'vitest';
import { EngineError, engineErrorMessage, errorForStatus, errorForThrown } from './engine-error.js';

describe('engine error classification', () => {
  it('treats 4xx as invalid and keeps the engine message', () => {
    const error = errorForStatus(400, JSON.stringify({ error: { message: 'max_tokens is too large', type: 'x' } }));
    expect(error.kind).toBe('invalid');
    expect(error.status).toBe(400);
    expect(error.message).toBe('engine answered HTTP 400: max_tokens is too large');
  });

  it('treats 5xx, 408 and 429 as transient', () => {
    expect(errorForStatus(500, 'boom').kind).toBe('transient');
    expect(errorForStatus(503, '').kind).toBe('transient');
    expect(errorForStatus(408, '').kind).toBe('transient');
    expect(errorForStatus(429, '').kind).toBe('transient');
  });

  it('reads the message from the shapes engines use, or the text itself', () => {
    expect(engineErrorMessage('{"error":"bad model"}')).toBe('bad model');
    expect(engineErrorMessage('{"message":"nope"}')).toBe('nope');
    expect(engineErrorMessage('{"detail":"not found"}')).toBe('not found');
    expect(engineErrorMessage(' plain text \n')).toBe('plain text');
  });

  it('keeps an abort an abort, with the signal reason, and makes anything else transient', () => {
    const controller = new AbortController();
    controller.abort('deadline');
    const aborted = errorForThrown(new Error('other side closed'), controller.signal);
    expect(aborted.kind).toBe('aborted');
    expect(aborted.reason).toBe('deadline');

    const refused = errorForThrown(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    expect(refused.kind).toBe('transient');
    expect(refused.message).toContain('ECONNREFUSED');

    const invalid = new EngineError('invalid', 'x', 400);
    expect(errorForThrown(invalid, controller.signal)).toBe(invalid);
  });
});
