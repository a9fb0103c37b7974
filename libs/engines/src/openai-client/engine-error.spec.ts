import { describe, expect, it } from 'vitest';
import { EngineError, engineErrorMessage, errorForStatus, errorForThrown, redactSecret } from './engine-error.js';

describe('engine error classification', () => {
  it('treats 4xx as invalid and keeps the engine message', () => {
    const error = errorForStatus(400, JSON.stringify({ error: { message: 'max_tokens is too large', type: 'x' } }));
    expect(error.kind).toBe('invalid');
    expect(error.status).toBe(400);
    expect(error.message).toBe('engine answered HTTP 400: max_tokens is too large');
  });

  it('treats 5xx and 408 as transient', () => {
    expect(errorForStatus(500, 'boom').kind).toBe('transient');
    expect(errorForStatus(503, '').kind).toBe('transient');
    expect(errorForStatus(408, '').kind).toBe('transient');
  });

  it('makes 429 rate-limited, with the wait its headers ask for', () => {
    const limited = errorForStatus(429, '{"error":{"message":"slow down"}}', { 'retry-after': '3' });
    expect(limited).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 3_000 });
    expect(limited.message).toBe('engine answered HTTP 429 (rate limited; retry after 3000 ms): slow down');
    expect(errorForStatus(429, '').retryAfterMs).toBe(1_000);
  });

  it('says a 401 or 403 is about the key', () => {
    const refused = errorForStatus(401, '{"error":{"message":"Incorrect API key provided."}}');
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toBe(
      'engine answered HTTP 401 (the API key is missing or refused): Incorrect API key provided.',
    );
    expect(errorForStatus(403, '').message).toContain('the API key is missing or refused');
  });

  it('cuts the key out of a message that echoes it', () => {
    const echoed = errorForStatus(401, '{"error":{"message":"Incorrect API key provided: sk-secret-1234."}}');
    const redacted = redactSecret(echoed, 'sk-secret-1234');
    expect(redacted.message).not.toContain('sk-secret-1234');
    expect(redacted.message).toContain('Incorrect API key provided: [redacted].');
    expect(redacted).toMatchObject({ kind: 'invalid', status: 401 });
    expect(redactSecret(echoed, undefined)).toBe(echoed);
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
