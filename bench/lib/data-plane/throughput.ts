// Measurement 2: the calls per second the path sustains (closed loop, N in flight), against the
// same load generator on a bare grpc-js echo server in the same run. Below the target, the
// best configuration is run again with the router and workers under --cpu-prof, so the report
// can say where their CPU went.
import { join } from 'node:path';
import { RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { cpuMeter, type CpuShares } from './cpu-meter.js';
import type { FleetProcess } from './fleet.js';
import { callsPerSecond, closedLoop } from './load.js';
import { SPECIALISTS } from './setup.js';
import { summarize, type Summary } from './stats.js';

export const THROUGHPUT_TARGET = 3000;
export const THROUGHPUT_CONFIG = {
  simulator: { ttft: '0ms', tpot: '0ms', maxTokens: 4, maxBatch: 4096 },
  workerConcurrency: 64,
  routers: 1,
  loadGenerator: 'one process, one gRPC channel, closed loop of N calls in flight',
} as const;

export interface ThroughputStep {
  target: 'echo' | 'path';
  workers: number;
  inFlight: number;
  callsPerSecond: number;
  latency: Summary;
  errors: number;
  firstError?: string;
  cpuPercent: CpuShares;
  /** CPU milliseconds each process spent per answered call: what a call costs the machine. */
  cpuMsPerCall: Record<string, number>;
}

export interface ThroughputResult {
  steps: ThroughputStep[];
  bestPath: ThroughputStep;
  bestEcho: ThroughputStep;
  /** best path / best echo. */
  ratio: number;
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

async function step(
  ctx: BenchContext,
  target: 'echo' | 'path',
  workers: number,
  inFlight: number,
  client: RouterCaller,
  request: ReturnType<typeof RouterCaller.request>,
  pids: Record<string, number>,
): Promise<ThroughputStep> {
  await closedLoop(inFlight, Math.min(1000, ctx.durationMs / 3), () => client.invoke(request)); // warm-up
  const meter = cpuMeter(pids);
  const result = await closedLoop(inFlight, ctx.durationMs, () => client.invoke(request));
  const cpuPercent = meter();
  const rate = callsPerSecond(result);
  const cpuMsPerCall: Record<string, number> = {};
  for (const [name, percent] of Object.entries(cpuPercent)) {
    // percent of a core = percent × 10 CPU ms per second.
    if (name !== 'cpu pressure') cpuMsPerCall[name] = Math.round((percent * 10 * 1000) / Math.max(rate, 1)) / 1000;
  }
  const s: ThroughputStep = {
    target,
    workers,
    inFlight,
    callsPerSecond: Math.round(callsPerSecond(result)),
    latency: summarize(result.latenciesMs),
    errors: result.errors,
    ...(result.firstError ? { firstError: result.firstError } : {}),
    cpuPercent,
    cpuMsPerCall,
  };
  ctx.log(
    `throughput ${target}${target === 'path' ? ` (${workers} worker(s))` : ''}, ${inFlight} in flight: ${s.callsPerSecond} calls/s, p50 ${s.latency.p50} ms, ${s.errors} errors; CPU ms per call ${JSON.stringify(s.cpuMsPerCall)}, CPU pressure ${s.cpuPercent['cpu pressure']}%`,
  );
  return s;
}

const best = (steps: ThroughputStep[]): ThroughputStep =>
  steps.reduce((a, b) => (b.callsPerSecond > a.callsPerSecond ? b : a));

export async function measureThroughput(ctx: BenchContext, plan: ThroughputPlan): Promise<ThroughputResult> {
  const { fleet } = ctx;
  const { maxTokens, maxBatch } = THROUGHPUT_CONFIG.simulator;
  const request = RouterCaller.request(SPECIALISTS.overhead, maxTokens);
  const steps: ThroughputStep[] = [];

  const echo = await fleet.echo();
  const echoClient = new RouterCaller(echo.port);
  try {
    for (const n of plan.inFlight)
      steps.push(await step(ctx, 'echo', 0, n, echoClient, request, { ...ctx.basePids, echo: echo.pid }));
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
      const pids: Record<string, number> = { ...ctx.basePids, router: router.pid, simulator: sim.pid };
      workers.forEach((w, i) => (pids[`worker-${i + 1}`] = w.pid));
      const stop = async (): Promise<void> => {
        client.close();
        await fleet.stop(router);
        for (const w of workers) await fleet.stop(w);
      };
      return { client, pids, stop };
    };

    for (const workerCount of plan.workers) {
      const path = await startPath(workerCount);
      try {
        for (const n of plan.inFlight)
          steps.push(await step(ctx, 'path', workerCount, n, path.client, request, path.pids));
      } finally {
        await path.stop();
      }
    }
    const bestPath = best(steps.filter((s) => s.target === 'path'));
    const bestEcho = best(steps.filter((s) => s.target === 'echo'));
    const result: ThroughputResult = {
      steps,
      bestPath,
      bestEcho,
      ratio: Math.round((100 * bestPath.callsPerSecond) / bestEcho.callsPerSecond) / 100,
    };
    if (bestPath.callsPerSecond >= THROUGHPUT_TARGET && !plan.forceProfile) return result;

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
      profiled = await step(ctx, 'path', bestPath.workers, bestPath.inFlight, path.client, request, path.pids);
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
