// The look-ahead, end to end (real Redis, BullMQ and the engine simulator): a worker whose
// engine runs one call at a time sends the next queued call to the engine just before the
// running one ends, so the engine is never idle while calls wait, and not sooner than that
// (at most one call waits in the engine); without max_tokens the end cannot be told, and the
// worker waits for it as before.
import { describe, expect, it } from 'vitest';
import type { RunningService } from '@slm-fleet/service';
import { getJson, useWorkerTestBeds, type WorkerTestBed } from './harness.js';

const newBed = useWorkerTestBeds('worker-lookahead');
const CALLS = 5;

/**
 * CALLS calls queued before a worker of concurrency 1 starts, on an engine of one slot at
 * 20 ms a token (further apart than the lead: the worker must look again between tokens).
 */
async function backlog(t: WorkerTestBed, maxTokens: number | undefined) {
  const sim = await t.startSim({ maxBatch: 1, tpot: 20, outputTokens: 10 });
  for (let i = 0; i < CALLS; i++) {
    await t.enqueue({ params: maxTokens === undefined ? {} : { max_tokens: maxTokens } });
  }
  const worker = await t.startWorker(sim, { concurrency: 1 });
  for (let i = 0; i < CALLS; i++) expect(await t.nextReply()).toMatchObject({ type: 'done' });
  return { sim, worker };
}

/** Count and sum of the worker's idle gaps, and how many were 0 (under half a millisecond). */
async function idleGaps(worker: RunningService): Promise<{ count: number; sum: number; zero: number }> {
  const metrics = String((await getJson(worker, '/metrics')).body);
  const value = (series: string) =>
    Number(new RegExp(`^slm_fleet_worker_idle_gap_seconds_${series} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  return {
    count: value('count\\{[^}]*\\}'),
    sum: value('sum\\{[^}]*\\}'),
    zero: value('bucket\\{le="0\\.0005"[^}]*\\}'),
  };
}

describe('worker look-ahead', () => {
  it('sends the next call while the running one ends: no idle gap, never more than one call ahead', async () => {
    const t = newBed();
    const { sim, worker } = await backlog(t, 10);
    // The engine held the running call and the next one, queued: never a third.
    expect((await sim.stats()).peakInFlight).toBe(2);
    // A call taken ahead takes its slot the moment it frees: a gap of 0. (Not asserted for
    // every call: on a starved CPU a fetch may still land after the end it was meant to beat.)
    const { count, zero } = await idleGaps(worker);
    expect(count).toBe(CALLS - 1);
    expect(zero).toBeGreaterThanOrEqual(1);
  });

  it('without max_tokens waits for the running call to end before taking the next', async () => {
    const t = newBed();
    const { sim, worker } = await backlog(t, undefined);
    expect((await sim.stats()).peakInFlight).toBe(1);
    const { count, sum } = await idleGaps(worker);
    expect(count).toBe(CALLS - 1);
    // Each next call was fetched only after the last one ended: every gap is a real wait.
    expect(sum).toBeGreaterThan(0);
  });
});
