import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

describe('Readiness', () => {
  it('is ready with no checks', async () => {
    expect(await new Readiness().report()).toEqual({ ready: true, checks: {} });
  });

  it('names each failing check with its reason', async () => {
    const readiness = new Readiness();
    readiness.register({ name: 'redis', check: async () => undefined });
    readiness.register({ name: 'engine', check: () => Promise.reject(new Error('engine not loaded')) });
    expect(await readiness.report()).toEqual({
      ready: false,
      checks: { redis: 'ok', engine: 'engine not loaded' },
    });
  });

  it('reports not ready once draining, even when every check passes', async () => {
    const readiness = new Readiness();
    readiness.register({ name: 'redis', check: async () => undefined });
    readiness.startDraining();
    expect(await readiness.report()).toEqual({ ready: false, checks: { shutdown: 'draining', redis: 'ok' } });
  });
});
