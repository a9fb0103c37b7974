// Measurement 3: tail latency with uneven request sizes on four one-at-a-time replicas
// (engine-sim --max-batch 1; beyond it a simulator queues FIFO). The same Poisson arrivals and
// sizes go to each discipline:
//   pull          router -> one specialist queue -> 4 workers (concurrency 1, one per replica):
//                 a replica takes a call only when it is free (ours);
//   round-robin   the generator sends call i to replica i mod 4 (a Kubernetes Service);
//   least-loaded  the generator sends to the replica with the fewest calls in flight (KubeAI).
// Push disciplines queue at a replica, behind whatever long answer it is generating. They
// stream from the simulator as the worker does, so every discipline costs the engines the same.
import { EngineCaller, RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { cpuMeter } from './cpu-meter.js';
import type { FleetProcess } from './fleet.js';
import { nowMs, openLoop, type Call } from './load.js';
import { runOf, type Run } from './overhead.js';
import { UNEVEN_SIZES, createRng, drawSize, meanSize, poissonArrivals } from './random.js';
import { SPECIALISTS } from './setup.js';
import { TimingsTally, type RouterTimings } from './timings.js';

export const REPLICAS = 4;
export const TAIL_CONFIG = {
  replicas: REPLICAS,
  simulator: { ttft: '0ms', maxBatch: 1 },
  sizes: UNEVEN_SIZES,
  meanTokens: Math.round(meanSize(UNEVEN_SIZES) * 100) / 100,
  pull: { routers: 1, workers: REPLICAS, workerConcurrency: 1 },
  arrivals: 'Poisson (open loop); the same arrivals and sizes for every discipline at a utilisation',
  latencyFrom: 'the scheduled send time',
} as const;

export const DISCIPLINES = ['pull', 'round-robin', 'least-loaded'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export interface TailStep {
  utilisation: number;
  rate: number;
  calls: number;
  runs: Record<Discipline, Run>;
  /** The router's account of the pull calls: time in the queue, and in the worker. */
  pullTimings: RouterTimings;
  /** p99 of a push discipline / p99 of pull (> 1: pull has the lower tail). */
  p99Ratio: { roundRobinOverPull: number; leastLoadedOverPull: number };
}

export interface TailPlan {
  utilisations: number[];
  durationMs: number;
  /** The simulators' time per output token, ms. */
  tpotMs: number;
}

export interface TailResult {
  tpotMs: number;
  /** Time a call holds a replica, fitted as fixed + per token × tokens from calls sent one at a time, ms. */
  service: { fixedMs: number; perTokenMs: number };
  /** The fit at the size mix's mean: what the arrival rates are computed from. */
  meanServiceMs: number;
  steps: TailStep[];
}

/**
 * Each replica answers calls of the size mix one at a time; a least-squares line through
 * (tokens, time) gives the time a call holds a replica. A line, not the sample mean: a few
 * dozen draws of a mix with 10 % long answers have a mean far from the mix's own.
 */
async function calibrate(engines: EngineCaller[], calls: number, seed: number): Promise<TailResult['service']> {
  const rng = createRng(seed);
  const sizes = Array.from({ length: calls }, () => drawSize(UNEVEN_SIZES, rng));
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
  return { fixedMs: my - perTokenMs * mx, perTokenMs };
}

function leastLoaded(engines: EngineCaller[]): () => EngineCaller {
  let start = 0;
  return () => {
    // Ties go round the replicas, not always to the first.
    start = (start + 1) % engines.length;
    let pick = engines[start] as EngineCaller;
    for (let k = 1; k < engines.length; k++) {
      const e = engines[(start + k) % engines.length] as EngineCaller;
      if (e.inFlight < pick.inFlight) pick = e;
    }
    return pick;
  };
}

export async function measureTail(ctx: BenchContext, plan: TailPlan): Promise<TailResult> {
  const { fleet, log } = ctx;
  const sims: FleetProcess[] = [];
  const workers: FleetProcess[] = [];
  let router: FleetProcess | undefined;
  let client: RouterCaller | undefined;
  const engines: EngineCaller[] = [];
  try {
    for (let i = 0; i < REPLICAS; i++) {
      const sim = await fleet.sim({ maxBatch: 1, tpot: `${plan.tpotMs}ms` });
      sims.push(sim);
      engines.push(new EngineCaller(sim.port));
      workers.push(await fleet.worker('tail', sim, 1));
    }
    router = await fleet.router();
    client = new RouterCaller(router.grpcPort);
    const routed = client;
    await waitForRoute(routed, RouterCaller.request(SPECIALISTS.tail, 5));
    const requests = new Map<number, ReturnType<typeof RouterCaller.request>>();
    const requestOf = (size: number) => {
      let r = requests.get(size);
      if (!r) requests.set(size, (r = RouterCaller.request(SPECIALISTS.tail, size)));
      return r;
    };

    // Warm the pull path (each worker's first calls compile its code), then calibrate.
    await Promise.all(Array.from({ length: 8 * REPLICAS }, () => routed.invoke(requestOf(5))));
    const service = await calibrate(engines, 40 * REPLICAS, ctx.seed + 7);
    const meanServiceMs = service.fixedMs + service.perTokenMs * TAIL_CONFIG.meanTokens;
    log(
      `tail: a call holds a replica ${service.fixedMs.toFixed(2)} ms + ${service.perTokenMs.toFixed(3)} ms/token: ${meanServiceMs.toFixed(1)} ms at the mean ${TAIL_CONFIG.meanTokens} tokens`,
    );
    const pids: Record<string, number> = { ...ctx.basePids, router: router.pid };
    sims.forEach((s, i) => (pids[`simulator-${i + 1}`] = s.pid));
    workers.forEach((w, i) => (pids[`worker-${i + 1}`] = w.pid));

    const steps: TailStep[] = [];
    for (const utilisation of plan.utilisations) {
      const rate = (utilisation * REPLICAS * 1000) / meanServiceMs;
      const arrivals = poissonArrivals(rate, plan.durationMs, createRng(ctx.seed + Math.round(utilisation * 100)));
      const sizeRng = createRng(ctx.seed * 31 + Math.round(utilisation * 100));
      const sizes = arrivals.map(() => drawSize(UNEVEN_SIZES, sizeRng));
      const pickLeast = leastLoaded(engines);
      const tally = new TimingsTally();
      const calls: Record<Discipline, Call> = {
        pull: (i) => routed.invoke(requestOf(sizes[i] as number), 120_000).then(tally.add),
        'round-robin': (i) => (engines[i % REPLICAS] as EngineCaller).complete(sizes[i] as number, true),
        'least-loaded': (i) => pickLeast().complete(sizes[i] as number, true),
      };
      const runs: Partial<Record<Discipline, Run>> = {};
      for (const discipline of DISCIPLINES) {
        const meter = cpuMeter(pids);
        runs[discipline] = runOf(await openLoop(arrivals, calls[discipline], 120_000), meter());
        const { p50, p90, p99 } = runs[discipline].latency;
        log(
          `tail ${Math.round(utilisation * 100)}% (${rate.toFixed(1)}/s) ${discipline}: p50 ${p50} p90 ${p90} p99 ${p99} ms`,
        );
      }
      const done = runs as Record<Discipline, Run>;
      const ratio = (d: Discipline) => Math.round((100 * done[d].latency.p99) / done.pull.latency.p99) / 100;
      steps.push({
        utilisation,
        rate: Math.round(rate * 10) / 10,
        calls: arrivals.length,
        runs: done,
        pullTimings: tally.summary(),
        p99Ratio: { roundRobinOverPull: ratio('round-robin'), leastLoadedOverPull: ratio('least-loaded') },
      });
    }
    const r3 = (n: number): number => Math.round(n * 1000) / 1000;
    return {
      tpotMs: plan.tpotMs,
      service: { fixedMs: r3(service.fixedMs), perTokenMs: r3(service.perTokenMs) },
      meanServiceMs: r3(meanServiceMs),
      steps,
    };
  } finally {
    client?.close();
    engines.forEach((e) => e.close());
    await fleet.stop(router);
    for (const p of [...workers, ...sims]) await fleet.stop(p);
  }
}
