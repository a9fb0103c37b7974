import { describe, expect, it } from 'vitest';
import { engineProblem, takesCalls, waitForEngine } from './engine-readiness.js';

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

  it.each([
    ['ready', true, undefined],
    ['unauthorized', true, /refuses the API key .* SLM_FLEET_ENGINE_API_KEY/],
    ['loading', false, /not serving GET \/models yet/],
    ['unreachable', false, /not answering GET \/models/],
  ] as const)('a %s engine: takes calls %s, readiness problem %s', (probe, takes, problem) => {
    expect(takesCalls(probe)).toBe(takes);
    if (problem === undefined) expect(engineProblem(probe)).toBeUndefined();
    else expect(engineProblem(probe)).toMatch(problem);
  });
});
