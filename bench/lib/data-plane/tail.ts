// Measurement 3: tail latency with uneven request sizes on four replicas, under each engine
// model (engine-models.ts: one call at a time, or continuous batching of 8). The same Poisson
// arrivals and sizes go to each discipline:
//   pull          router -> one specialist queue -> 4 workers (one per replica, concurrency =
//                 what the replica takes at once): a replica takes a call only when it has room (ours);
//   round-robin   the generator sends call i to replica i mod 4 (a Kubernetes Service);
//   least-loaded  the generator sends to the replica with the fewest calls in flight (KubeAI).
// Push disciplines queue at a replica, behind whatever long answers it is generating. They
// stream from the simulator as the worker does, so every discipline costs the engines the same.
import { under, type Condition } from './burner.js';
import { EngineCaller, RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { ENGINE_MODEL_CONFIG, type EngineModel, type EngineModelConfig } from './engine-models.js';
import type { FleetProcess } from './fleet.js';
import { openLoop, type Call } from './load.js';
import { runOf, type Run } from './overhead.js';
import { UNEVEN_SIZES, createRng, drawSize, meanSize, poissonArrivals } from './random.js';
import { SPECIALISTS } from './setup.js';
import { meterCosts, type CostScope } from './step-costs.js';
import { measureCapacity, type Capacity } from './tail-capacity.js';
import { TimingsTally, type RouterTimings } from './timings.js';

export const REPLICAS = 4;
export const TAIL_CONFIG = {
  replicas: REPLICAS,
  simulator: { ttft: '0ms' },
  engineModels: ENGINE_MODEL_CONFIG,
  sizes: UNEVEN_SIZES,
  meanTokens: Math.round(meanSize(UNEVEN_SIZES) * 100) / 100,
  pull: { routers: 1, workers: REPLICAS, workerConcurrency: "the engine model's workerConcurrency" },
  arrivals: 'Poisson (open loop); the same arrivals and sizes for every discipline and condition at a utilisation',
  capacity: 'measured quiet, before the steps; a burner step gets the quiet arrivals (the same load, less CPU)',
  latencyFrom: 'the scheduled send time',
} as const;

export const DISCIPLINES = ['pull', 'round-robin', 'least-loaded'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export interface TailStep {
  utilisation: number;
  condition: Condition;
  rate: number;
  calls: number;
  runs: Record<Discipline, Run>;
  /** The router's account of the pull calls: time in the queue, and in the worker. */
  pullTimings: RouterTimings;
  ratios: {
    /** p99 of a push discipline / p99 of pull (> 1: pull has the lower tail). */
    roundRobinP99OverPull: number;
    leastLoadedP99OverPull: number;
    /** p50 of pull / p50 of least-loaded (<= 1.2: the queue costs the typical call little). */
    pullP50OverLeastLoaded: number;
  };
}

export interface TailModelResult {
  model: EngineModel;
  engine: EngineModelConfig;
  capacity: Capacity;
  steps: TailStep[];
}

export interface TailPlan {
  models: EngineModel[];
  utilisations: number[];
  durationMs: number;
  /** The simulators' time per output token, ms. */
  tpotMs: number;
}

export interface TailResult {
  tpotMs: number;
  models: TailModelResult[];
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

const r2 = (n: number): number => Math.round(n * 100) / 100;

async function measureModel(ctx: BenchContext, plan: TailPlan, model: EngineModel): Promise<TailModelResult> {
  const { fleet, log } = ctx;
  const engine = ENGINE_MODEL_CONFIG[model];
  const sims: FleetProcess[] = [];
  const workers: FleetProcess[] = [];
  let router: FleetProcess | undefined;
  let client: RouterCaller | undefined;
  const engines: EngineCaller[] = [];
  try {
    for (let i = 0; i < REPLICAS; i++) {
      const { maxBatch, batchSlowdown } = engine;
      const sim = await fleet.sim({ maxBatch, batchSlowdown, tpot: `${plan.tpotMs * engine.tpotFactor}ms` });
      sims.push(sim);
      engines.push(new EngineCaller(sim.port));
      workers.push(await fleet.worker('tail', sim, engine.workerConcurrency));
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

    // Warm the pull path (each worker's first calls compile its code), then measure capacity.
    await Promise.all(Array.from({ length: 8 * REPLICAS }, () => routed.invoke(requestOf(5))));
    const capacityMs = Math.max(2000, Math.min(5000, plan.durationMs / 4));
    const capacity = await measureCapacity(model, engines, capacityMs, ctx.seed + 7);
    const fit = capacity.fit ? `${capacity.fit.fixedMs} ms + ${capacity.fit.perTokenMs} ms/token; ` : '';
    log(
      `tail ${model}: ${fit}a call holds a ${engine.maxBatch > 1 ? 'batch slot' : 'replica'} ${capacity.meanServiceMs} ms at the mean ${TAIL_CONFIG.meanTokens} tokens; capacity ${capacity.callsPerSecond} calls/s`,
    );
    const counted: Record<string, number> = { router: router.pid };
    workers.forEach((w, i) => (counted[`worker-${i + 1}`] = w.pid));
    const pids: Record<string, number> = { ...ctx.basePids, ...counted };
    sims.forEach((s, i) => (pids[`simulator-${i + 1}`] = s.pid));
    const scopes: Record<Discipline, CostScope> = {
      pull: { pids, counted, workerPorts: workers.map((w) => w.port) },
      'round-robin': { pids },
      'least-loaded': { pids },
    };

    const steps: TailStep[] = [];
    for (const utilisation of plan.utilisations) {
      const rate = utilisation * capacity.callsPerSecond;
      const arrivals = poissonArrivals(rate, plan.durationMs, createRng(ctx.seed + Math.round(utilisation * 100)));
      const sizeRng = createRng(ctx.seed * 31 + Math.round(utilisation * 100));
      const sizes = arrivals.map(() => drawSize(UNEVEN_SIZES, sizeRng));
      for (const condition of ctx.conditions) {
        const pickLeast = leastLoaded(engines);
        const tally = new TimingsTally();
        const calls: Record<Discipline, Call> = {
          pull: (i) => routed.invoke(requestOf(sizes[i] as number), 120_000).then(tally.add),
          'round-robin': (i) => (engines[i % REPLICAS] as EngineCaller).complete(sizes[i] as number, true),
          'least-loaded': (i) => pickLeast().complete(sizes[i] as number, true),
        };
        const runs = await under(ctx.burner, condition, async () => {
          const runs: Partial<Record<Discipline, Run>> = {};
          for (const discipline of DISCIPLINES) {
            const stop = await meterCosts(ctx.costs, scopes[discipline]);
            const result = await openLoop(arrivals, calls[discipline], 120_000);
            runs[discipline] = runOf(result, await stop(result.ok));
            const { p50, p90, p99 } = runs[discipline].latency;
            log(
              `tail ${model} ${Math.round(utilisation * 100)}% (${rate.toFixed(1)}/s) ${condition} ${discipline}: p50 ${p50} p90 ${p90} p99 ${p99} ms, ${result.errors} errors`,
            );
          }
          return runs as Record<Discipline, Run>;
        });
        const latency = (d: Discipline) => runs[d].latency;
        steps.push({
          utilisation,
          condition,
          rate: Math.round(rate * 10) / 10,
          calls: arrivals.length,
          runs,
          pullTimings: tally.summary(),
          ratios: {
            roundRobinP99OverPull: r2(latency('round-robin').p99 / latency('pull').p99),
            leastLoadedP99OverPull: r2(latency('least-loaded').p99 / latency('pull').p99),
            pullP50OverLeastLoaded: r2(latency('pull').p50 / latency('least-loaded').p50),
          },
        });
      }
    }
    return { model, engine, capacity, steps };
  } finally {
    client?.close();
    engines.forEach((e) => e.close());
    await fleet.stop(router);
    for (const p of [...workers, ...sims]) await fleet.stop(p);
  }
}

export async function measureTail(ctx: BenchContext, plan: TailPlan): Promise<TailResult> {
  const models: TailModelResult[] = [];
  for (const model of plan.models) models.push(await measureModel(ctx, plan, model));
  return { tpotMs: plan.tpotMs, models };
}
