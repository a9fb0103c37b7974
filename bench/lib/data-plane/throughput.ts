// Measurement 2: the calls per second the path sustains (closed loop, N in flight), against the
// same load generator on a bare grpc-js echo server in the same run, under each condition.
// Below the target, the best quiet configuration is run again with the router and workers
// under --cpu-prof, so the report can say where their CPU went.
import { join } from 'node:path';
import { under, type Condition } from './burner.js';
import { RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import type { FleetProcess } from './fleet.js';
import { callsPerSecond, closedLoop } from './load.js';
import { SPECIALISTS } from './setup.js';
import { summarize, type Summary } from './stats.js';
import { meterCosts, type CostScope, type StepCosts } from './step-costs.js';

export const THROUGHPUT_TARGET = 3000;
export const THROUGHPUT_CONFIG = {
  simulator: { ttft: '0ms', tpot: '0ms', maxTokens: 4, maxBatch: 4096 },
  workerConcurrency: 64,
  routers: 1,
  loadGenerator: 'one process, one gRPC channel, closed loop of N calls in flight',
  profile: 'the best quiet path configuration, when below the target (or --profile)',
} as const;

export interface ThroughputStep {
  target: 'echo' | 'path';
  condition: Condition;
  workers: number;
  inFlight: number;
  callsPerSecond: number;
  latency: Summary;
  errors: number;
  firstError?: string;
  costs: StepCosts;
}

/** The best of each target under one condition. */
export interface ThroughputBest {
  path: ThroughputStep;
  echo: ThroughputStep;
  /** best path / best echo. */
  ratio: number;
}

export interface ThroughputResult {
  steps: ThroughputStep[];
  best: Partial<Record<Condition, ThroughputBest>>;
  profile?: { workers: number; inFlight: number; callsPerSecond: number; processes: ProfileSummary[] };
}

export interface ThroughputPlan {
  inFlight: number[];
  workers: number[];
  /** Where --cpu-prof writes the router's and workers' profiles. */
  profileDir: string;
  /** Profile even when the target is met. */
  forceProfile: boolean;
}

interface Target {
  name: 'echo' | 'path';
  workers: number;
  client: RouterCaller;
  scope: CostScope;
}

/** One configuration under one condition: a short warm-up, then the measured closed loop. */
async function step(
  ctx: BenchContext,
  target: Target,
  inFlight: number,
  condition: Condition,
  request: ReturnType<typeof RouterCaller.request>,
): Promise<ThroughputStep> {
  return under(ctx.burner, condition, async () => {
    const call = () => target.client.invoke(request);
    await closedLoop(inFlight, Math.min(1000, ctx.durationMs / 3), call);
    const stop = await meterCosts(ctx.costs, target.scope);
    const result = await closedLoop(inFlight, ctx.durationMs, call);
    const s: ThroughputStep = {
      target: target.name,
      condition,
      workers: target.workers,
      inFlight,
      callsPerSecond: Math.round(callsPerSecond(result)),
      latency: summarize(result.latenciesMs),
      errors: result.errors,
      ...(result.firstError ? { firstError: result.firstError } : {}),
      costs: await stop(result.ok),
    };
    ctx.log(
      `throughput ${target.name}${target.name === 'path' ? ` (${target.workers} worker(s))` : ''}, ${inFlight} in flight, ${condition}: ${s.callsPerSecond} calls/s, p50 ${s.latency.p50} ms, ${s.errors} errors; CPU ms per call ${JSON.stringify(s.costs.cpuMsPerCall)}, CPU pressure ${s.costs.cpuPercent['cpu pressure']}%`,
    );
    return s;
  });
}

const best = (steps: ThroughputStep[]): ThroughputStep | undefined =>
  steps.reduce<ThroughputStep | undefined>((a, b) => (!a || b.callsPerSecond > a.callsPerSecond ? b : a), undefined);

function bestOf(steps: ThroughputStep[], conditions: readonly Condition[]): ThroughputResult['best'] {
  const out: ThroughputResult['best'] = {};
  for (const condition of conditions) {
    const path = best(steps.filter((s) => s.target === 'path' && s.condition === condition));
    const echo = best(steps.filter((s) => s.target === 'echo' && s.condition === condition));
    if (path && echo)
      out[condition] = { path, echo, ratio: Math.round((100 * path.callsPerSecond) / echo.callsPerSecond) / 100 };
  }
  return out;
}

export async function measureThroughput(ctx: BenchContext, plan: ThroughputPlan): Promise<ThroughputResult> {
  const { fleet } = ctx;
  const { maxTokens, maxBatch } = THROUGHPUT_CONFIG.simulator;
  const request = RouterCaller.request(SPECIALISTS.overhead, maxTokens);
  const steps: ThroughputStep[] = [];

  const echo = await fleet.echo();
  const echoClient = new RouterCaller(echo.port);
  try {
    const target: Target = {
      name: 'echo',
      workers: 0,
      client: echoClient,
      scope: { pids: { ...ctx.basePids, echo: echo.pid } },
    };
    for (const n of plan.inFlight)
      for (const condition of ctx.conditions) steps.push(await step(ctx, target, n, condition, request));
  } finally {
    echoClient.close();
    await fleet.stop(echo);
  }

  const sim = await fleet.sim({ maxBatch, outputTokens: maxTokens });
  try {
    const startPath = async (workerCount: number, nodeArgs: (name: string) => string[] = () => []) => {
      const workers: FleetProcess[] = [];
      for (let i = 0; i < workerCount; i++) {
        const extras = { nodeArgs: nodeArgs(`worker-${i + 1}`) };
        workers.push(await fleet.worker('overhead', sim, THROUGHPUT_CONFIG.workerConcurrency, extras));
      }
      const router = await fleet.router({ nodeArgs: nodeArgs('router') });
      const client = new RouterCaller(router.grpcPort);
      await waitForRoute(client, request);
      const counted: Record<string, number> = { router: router.pid };
      workers.forEach((w, i) => (counted[`worker-${i + 1}`] = w.pid));
      const scope: CostScope = {
        pids: { ...ctx.basePids, simulator: sim.pid, ...counted },
        counted,
        workerPorts: workers.map((w) => w.port),
      };
      const target: Target = { name: 'path', workers: workerCount, client, scope };
      const stop = async (): Promise<void> => {
        client.close();
        await fleet.stop(router);
        for (const w of workers) await fleet.stop(w);
      };
      return { target, stop };
    };

    for (const workerCount of plan.workers) {
      const path = await startPath(workerCount);
      try {
        for (const n of plan.inFlight)
          for (const condition of ctx.conditions) steps.push(await step(ctx, path.target, n, condition, request));
      } finally {
        await path.stop();
      }
    }
    const result: ThroughputResult = { steps, best: bestOf(steps, ctx.conditions) };
    // The profile says where a quiet machine's CPU goes; under the burner it would say the same, slower.
    const bestPath = (result.best.quiet ?? Object.values(result.best)[0])?.path;
    if (!bestPath || (bestPath.callsPerSecond >= THROUGHPUT_TARGET && !plan.forceProfile)) return result;

    // Profile the best configuration: a process writes its .cpuprofile when it exits (SIGTERM).
    ctx.log(`profiling router and workers at ${bestPath.workers} worker(s), ${bestPath.inFlight} in flight`);
    const profileArgs = (name: string) => [
      '--cpu-prof',
      '--cpu-prof-dir',
      plan.profileDir,
      '--cpu-prof-name',
      `${name}.cpuprofile`,
    ];
    const path = await startPath(bestPath.workers, profileArgs);
    let profiled: ThroughputStep;
    try {
      profiled = await step(ctx, path.target, bestPath.inFlight, bestPath.condition, request);
    } finally {
      await path.stop();
    }
    const names = ['router', ...Array.from({ length: bestPath.workers }, (_, i) => `worker-${i + 1}`)];
    const processes = await Promise.all(names.map((n) => summarizeProfile(join(plan.profileDir, `${n}.cpuprofile`))));
    result.profile = {
      workers: bestPath.workers,
      inFlight: bestPath.inFlight,
      callsPerSecond: profiled.callsPerSecond,
      processes,
    };
    return result;
  } finally {
    await fleet.stop(sim);
  }
}
