// What four replicas of an engine model serve at full use, measured straight on the
// simulators before the tail steps, so "90 % utilisation" means the same under both models:
//   one-at-a-time  a call's service time, fitted from calls sent one at a time;
//   batching       the calls/s the replicas complete with their batches kept full (a closed
//                  loop of max-batch streamed calls in flight per replica).
import type { EngineCaller } from './clients.js';
import { ENGINE_MODEL_CONFIG, type EngineModel } from './engine-models.js';
import { closedLoop, nowMs } from './load.js';
import { UNEVEN_SIZES, createRng, drawSize, exactMix, meanSize } from './random.js';

export interface Capacity {
  /** Calls/s the replicas complete at full use: utilisation 1. */
  callsPerSecond: number;
  /** How long a call holds a replica (one-at-a-time) or a batch slot (batching) at the mix's mean, ms. */
  meanServiceMs: number;
  /** One-at-a-time: service time = fixedMs + perTokenMs x tokens. */
  fit?: { fixedMs: number; perTokenMs: number };
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Each replica answers calls of the size mix one at a time; a least-squares line through
 * (tokens, time) gives the time a call holds a replica. A line, not the sample mean: a few
 * dozen draws of a mix with 10 % long answers have a mean far from the mix's own.
 */
async function serviceFit(engines: EngineCaller[], seed: number): Promise<Capacity> {
  const rng = createRng(seed);
  const sizes = Array.from({ length: 40 * engines.length }, () => drawSize(UNEVEN_SIZES, rng));
  const points: [number, number][] = [];
  await Promise.all(
    engines.map(async (engine, e) => {
      for (let i = e; i < sizes.length; i += engines.length) {
        const t0 = nowMs();
        await engine.complete(sizes[i] as number, true);
        points.push([sizes[i] as number, nowMs() - t0]);
      }
    }),
  );
  const mean = (f: (p: [number, number]) => number): number => points.reduce((a, p) => a + f(p), 0) / points.length;
  const [mx, my] = [mean((p) => p[0]), mean((p) => p[1])];
  const perTokenMs = mean((p) => (p[0] - mx) * (p[1] - my)) / mean((p) => (p[0] - mx) ** 2);
  const fixedMs = my - perTokenMs * mx;
  const meanServiceMs = fixedMs + perTokenMs * meanSize(UNEVEN_SIZES);
  return {
    callsPerSecond: r3((engines.length * 1000) / meanServiceMs),
    meanServiceMs: r3(meanServiceMs),
    fit: { fixedMs: r3(fixedMs), perTokenMs: r3(perTokenMs) },
  };
}

/** Full batches on every replica for `durationMs`; sizes cycle through the mix in its exact proportions. */
async function fullBatchRate(
  engines: EngineCaller[],
  batch: number,
  durationMs: number,
  seed: number,
): Promise<Capacity> {
  const sizes = exactMix(UNEVEN_SIZES, 200, createRng(seed));
  let next = 0;
  const call = (engine: EngineCaller) => () => engine.complete(sizes[next++ % sizes.length] as number, true);
  await Promise.all(engines.map((e) => closedLoop(batch, Math.min(1000, durationMs / 4), call(e)))); // warm-up
  const results = await Promise.all(engines.map((e) => closedLoop(batch, durationMs, call(e))));
  const callsPerSecond = (results.reduce((sum, r) => sum + r.ok, 0) * 1000) / durationMs;
  return { callsPerSecond: r3(callsPerSecond), meanServiceMs: r3((engines.length * batch * 1000) / callsPerSecond) };
}

export function measureCapacity(
  model: EngineModel,
  engines: EngineCaller[],
  durationMs: number,
  seed: number,
): Promise<Capacity> {
  const { maxBatch } = ENGINE_MODEL_CONFIG[model];
  return maxBatch === 1 ? serviceFit(engines, seed) : fullBatchRate(engines, maxBatch, durationMs, seed);
}
