import { describe, expect, it } from 'vitest';
import { resolveWorkerSettings, type WorkerOptions } from './settings.js';

const options: WorkerOptions = {
  host: '127.0.0.1',
  httpPort: 0,
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'slm',
  specialist: 'demo/summarizer',
  concurrency: 4,
  engineUrl: 'http://127.0.0.1:8000/v1',
  drainTimeout: 30_000,
};
const machine = { hostname: 'node-1', pid: 42 };

describe('resolveWorkerSettings', () => {
  it('derives the queue from the specialist and the replica from host and pid', () => {
    const settings = resolveWorkerSettings(options, machine);
    expect(settings.queue).toBe('{demo.summarizer}');
    expect(settings.replica).toBe('node-1:42');
    expect(settings).not.toHaveProperty('httpPort');
  });

  it('keeps an explicit queue and replica', () => {
    const settings = resolveWorkerSettings({ ...options, queue: 'q', replica: 'pod-a' }, machine);
    expect(settings).toMatchObject({ queue: 'q', replica: 'pod-a' });
  });

  it('rejects a specialist that is not namespace/name', () => {
    expect(() => resolveWorkerSettings({ ...options, specialist: 'summarizer' }, machine)).toThrow(/namespace\/name/);
    expect(() => resolveWorkerSettings({ ...options, specialist: 'a/b/c' }, machine)).toThrow(/namespace\/name/);
  });

  it('keeps a drain token, and refuses one set but unusable (empty, too short) naming the variable, not the value', () => {
    const token = 'k3y-of-the-drain-hook-0123456789';
    expect(resolveWorkerSettings({ ...options, drainToken: token }, machine).drainToken).toBe(token);
    expect(resolveWorkerSettings(options, machine).drainToken).toBeUndefined();
    for (const bad of ['', 'hunter2']) {
      expect(() => resolveWorkerSettings({ ...options, drainToken: bad }, machine)).toThrow(
        /^the drain token \(SLM_FLEET_DRAIN_TOKEN\) must be 16 to 4096 visible ASCII characters/,
      );
    }
  });

  it('keeps any header-safe API key, and refuses others naming the variable, never the value', () => {
    expect(resolveWorkerSettings({ ...options, engineApiKey: 'EMPTY' }, machine).engineApiKey).toBe('EMPTY');
    for (const bad of ['', 'sk with space', 'sk-\u00e9t\u00e9', 'x'.repeat(4097)]) {
      let message = '';
      try {
        resolveWorkerSettings({ ...options, engineApiKey: bad }, machine);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^the engine API key \(SLM_FLEET_ENGINE_API_KEY\) must be 1 to 4096 visible ASCII/);
      if (bad !== '') expect(message).not.toContain(bad);
    }
  });
});
