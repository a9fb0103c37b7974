// Measurement 1: the latency our data plane adds. The same simulator (zero latency, 4-token
// answers, a batch large enough never to queue) is called directly over its OpenAI API and
// through router -> queue -> worker, on the same Poisson arrivals at each rate; added latency
// is the path's percentile minus the direct one. At one rate the pair runs again streamed
// (InvokeStream against SSE from the simulator), for what a streamed call costs.
import { under, type Condition } from './burner.js';
import { EngineCaller, RouterCaller } from './clients.js';
import type { BenchContext } from './context.js';
import { waitForRoute } from './context.js';
import { openLoop, type Call, type OpenLoopResult } from './load.js';
import { createRng, poissonArrivals } from './random.js';
import { SPECIALISTS } from './setup.js';
import { summarize, type Summary } from './stats.js';
import { meterCosts, type CostScope, type StepCosts } from './step-costs.js';
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
  streamed: {
    rate: 500,
    direct: 'POST /v1/chat/completions, stream true, read to the last SSE event',
    path: 'AgentRouter/InvokeStream read to its last chunk',
  },
  warmUp: 'before the first condition of each rate and mode: a third of a step, at most 2 s',
} as const;

export const MODES = ['unary', 'streamed'] as const;
export type Mode = (typeof MODES)[number];
type Target = 'direct' | 'path';

export interface Run {
  latency: Summary;
  sent: number;
  errors: number;
  unfinished: number;
  firstError?: string;
  /** p99 of how late the generator sent, ms. */
  sendLagP99: number;
  costs: StepCosts;
}

export interface OverheadStep {
  rate: number;
  mode: Mode;
  condition: Condition;
  direct: Run;
  path: Run;
  /** The router's own account of the path's calls. */
  pathTimings: RouterTimings;
  added: { p50: number; p99: number };
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

export function runOf(result: OpenLoopResult, costs: StepCosts): Run {
  return {
    latency: summarize(result.latenciesMs),
    sent: result.sent,
    errors: result.errors,
    unfinished: result.unfinished,
    ...(result.firstError ? { firstError: result.firstError } : {}),
    sendLagP99: summarize(result.sendLagMs).p99,
    costs,
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
    const calls: Record<Mode, Record<Target, Call>> = {
      unary: {
        direct: () => engine.complete(maxTokens),
        path: () => client.invoke(request).then(tally.add),
      },
      streamed: {
        direct: () => engine.complete(maxTokens, true),
        path: () => client.invokeStream(request).then(tally.add),
      },
    };
    const pids = { ...ctx.basePids, router: router.pid, worker: worker.pid, simulator: sim.pid };
    const scopes: Record<Target, CostScope> = {
      direct: { pids },
      path: { pids, counted: { router: router.pid, worker: worker.pid }, workerPorts: [worker.port] },
    };
    const plan = [
      ...rates.map((rate) => ({ rate, mode: 'unary' as Mode })),
      { rate: OVERHEAD_CONFIG.streamed.rate, mode: 'streamed' as Mode },
    ];
    const steps: OverheadStep[] = [];
    for (const { rate, mode } of plan) {
      const arrivals = poissonArrivals(rate, ctx.durationMs, createRng(ctx.seed + rate));
      const warmUp = poissonArrivals(rate, Math.min(2000, ctx.durationMs / 3), createRng(ctx.seed - rate));
      for (const [k, condition] of ctx.conditions.entries()) {
        const runs = await under(ctx.burner, condition, async () => {
          const runs: Partial<Record<Target, Run>> = {};
          for (const target of ['direct', 'path'] as const) {
            if (k === 0) await openLoop(warmUp, calls[mode][target]);
            tally = new TimingsTally();
            const stop = await meterCosts(ctx.costs, scopes[target]);
            const result = await openLoop(arrivals, calls[mode][target]);
            const run = (runs[target] = runOf(result, await stop(result.ok)));
            const { p50, p99 } = run.latency;
            log(
              `overhead ${rate}/s ${mode} ${condition} ${target}: p50 ${p50} ms, p99 ${p99} ms, ${result.errors} errors, CPU ${run.costs.cpuMsPerCall['total']} ms/call, CPU pressure ${run.costs.cpuPercent['cpu pressure']}%`,
            );
          }
          return runs as Record<Target, Run>;
        });
        const { direct, path } = runs;
        steps.push({
          rate,
          mode,
          condition,
          direct,
          path,
          pathTimings: tally.summary(),
          added: { p50: r3(path.latency.p50 - direct.latency.p50), p99: r3(path.latency.p99 - direct.latency.p99) },
        });
      }
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
