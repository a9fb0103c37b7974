import { describe, expect, it } from 'vitest';
import { waitForEngine } from './engine-readiness.js';

describe('waitForEngine', () => {
  it('polls until the engine is ready', async () => {
    let probes = 0;
    const ready = await waitForEngine(async () => ++probes >= 3, new AbortController().signal);
    expect(ready).toBe(true);
    expect(probes).toBe(3);
  });

  it('gives up when the signal fires', async () => {
    const stop = new AbortController();
    let probes = 0;
    const waiting = waitForEngine(async () => {
      probes++;
      return false;
    }, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(probes).toBe(1);
  });
});
