// Measurement 1: the latency our data plane adds. The same simulator (zero latency, 4-token
// answers, a batch large enough never to queue) is called directly over its OpenAI API and
// through router -> queue -> worker, on the same Poisson arrivals at each rate; added latency
// is the path's percentile minus the direct one.
import { EngineCaller, RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { cpuMeter, type CpuShares } from './cpu-meter.js';
import { openLoop, type Call, type OpenLoopResult } from './load.js';
import { createRng, poissonArrivals } from './random.js';
import { SPECIALISTS } from './setup.js';
import { summarize, type Summary } from './stats.js';
import { TimingsTally, type RouterTimings } from './timings.js';

export const OVERHEAD_CONFIG = {
  simulator: { ttft: '0ms', tpot: '0ms', maxTokens: 4, maxBatch: 4096 },
  workers: 1,
  workerConcurrency: 64,
  routers: 1,
  arrivals: 'Poisson (open loop), the same schedule for direct and path at each rate',
  latencyFrom: 'the scheduled send time',
  direct: 'POST /v1/chat/completions, stream false, keep-alive HTTP/1.1',
  path: 'AgentRouter/Invoke over one gRPC channel; the worker streams from the engine',
} as const;

export interface Run {
  latency: Summary;
  sent: number;
  errors: number;
  unfinished: number;
  firstError?: string;
  /** p99 of how late the generator sent, ms. */
  sendLagP99: number;
  cpuPercent: CpuShares;
}

export interface OverheadStep {
  rate: number;
  direct: Run;
  path: Run;
  /** The router's own account of the path's calls. */
  pathTimings: RouterTimings;
  added: { p50: number; p99: number };
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

export function runOf(result: OpenLoopResult, cpuPercent: CpuShares): Run {
  return {
    latency: summarize(result.latenciesMs),
    sent: result.sent,
    errors: result.errors,
    unfinished: result.unfinished,
    ...(result.firstError ? { firstError: result.firstError } : {}),
    sendLagP99: summarize(result.sendLagMs).p99,
    cpuPercent,
  };
}

export async function measureOverhead(ctx: BenchContext, rates: number[]): Promise<OverheadStep[]> {
  const { fleet, log } = ctx;
  const { maxTokens, maxBatch } = OVERHEAD_CONFIG.simulator;
  const sim = await fleet.sim({ maxBatch, outputTokens: maxTokens });
  const worker = await fleet.worker('overhead', sim, OVERHEAD_CONFIG.workerConcurrency);
  const router = await fleet.router();
  const client = new RouterCaller(router.grpcPort);
  const engine = new EngineCaller(sim.port);
  try {
    const request = RouterCaller.request(SPECIALISTS.overhead, maxTokens);
    await waitForRoute(client, request);
    let tally = new TimingsTally();
    const targets: Record<'direct' | 'path', Call> = {
      direct: () => engine.complete(maxTokens),
      path: () => client.invoke(request).then(tally.add),
    };
    const pids = { ...ctx.basePids, router: router.pid, worker: worker.pid, simulator: sim.pid };
    const steps: OverheadStep[] = [];
    for (const rate of rates) {
      const arrivals = poissonArrivals(rate, ctx.durationMs, createRng(ctx.seed + rate));
      const warmUp = poissonArrivals(rate, Math.min(2000, ctx.durationMs / 3), createRng(ctx.seed - rate));
      const runs: Partial<Record<'direct' | 'path', Run>> = {};
      for (const target of ['direct', 'path'] as const) {
        await openLoop(warmUp, targets[target]);
        tally = new TimingsTally();
        const meter = cpuMeter(pids);
        const result = await openLoop(arrivals, targets[target]);
        runs[target] = runOf(result, meter());
        const { p50, p99 } = runs[target].latency;
        const pressure = runs[target].cpuPercent['cpu pressure'];
        log(
          `overhead ${rate}/s ${target}: p50 ${p50} ms, p99 ${p99} ms, ${result.errors} errors, CPU pressure ${pressure}%`,
        );
      }
      const direct = runs.direct!;
      const path = runs.path!;
      steps.push({
        rate,
        direct,
        path,
        pathTimings: tally.summary(),
        added: { p50: r3(path.latency.p50 - direct.latency.p50), p99: r3(path.latency.p99 - direct.latency.p99) },
      });
    }
    return steps;
  } finally {
    client.close();
    engine.close();
    await fleet.stop(router);
    await fleet.stop(worker);
    await fleet.stop(sim);
  }
}
