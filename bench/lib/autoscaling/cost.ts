// What each run costs, and the share of calls the large model answered, after the warm-up (the
// same window as the other figures). A GPU-hour per pod that exists (starting, Ready or
// draining: the GPU is held either way) and list prices per token for the large model; set
// against the same calls all sent to the large model, and against ours on specialists only.
import { round } from '../proc.js';
import type { SimConfig } from './config.js';
import { LARGE_MODEL, outputTokens, TOKENS } from './overflow.js';
import type { RunResult } from './simulate.js';
import type { Calls, Trace } from './traces.js';

/** An L4-class GPU on demand, and a large model's list prices per million tokens. */
export const PRICES = { gpuHourUsd: 2.5, inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 } as const;

export const TARGETS_OVERFLOW = { withinTarget: 0.99, largeModelShare: 0.1 } as const;

export interface CostFigures {
  policy: string;
  /** Share of calls the large model answered: after the warm-up, and of all calls. */
  largeModelAfterWarmup: number;
  largeModelAll: number;
  gpuUsd: number;
  largeModelUsd: number;
  totalUsd: number;
  /** Every call after the warm-up sent to the large model instead. */
  allLargeModelUsd: number;
  overAllLargeModel: number;
  /** Against ours with specialists only (no overflow), filled in once that run is known. */
  overSpecialistsOnly: number;
}

const callUsd = (serviceSeconds: number): number =>
  (TOKENS.inputPerCall * PRICES.inputPerMillionUsd + outputTokens(serviceSeconds) * PRICES.outputPerMillionUsd) / 1e6;

export function costFigures(run: RunResult, calls: Calls, config: SimConfig): CostFigures {
  let after = 0;
  let overflowedAfter = 0;
  let overflowedAll = 0;
  let largeModelUsd = 0;
  let allLargeModelUsd = 0;
  for (let i = 0; i < calls.arrivals.length; i++) {
    const overflowed = run.overflowed[i] === 1;
    if (overflowed) overflowedAll++;
    if (calls.arrivals[i]! < config.warmupSeconds) continue;
    after++;
    const usd = callUsd(calls.services[i]!);
    allLargeModelUsd += usd;
    if (overflowed) {
      overflowedAfter++;
      largeModelUsd += usd;
    }
  }
  const gpuUsd = (run.gpuSecondsAfterWarmup / 3600) * PRICES.gpuHourUsd;
  const totalUsd = gpuUsd + largeModelUsd;
  return {
    policy: run.policy,
    largeModelAfterWarmup: round(overflowedAfter / Math.max(1, after), 5),
    largeModelAll: round(overflowedAll / Math.max(1, calls.arrivals.length), 5),
    gpuUsd: round(gpuUsd, 2),
    largeModelUsd: round(largeModelUsd, 2),
    totalUsd: round(totalUsd, 2),
    allLargeModelUsd: round(allLargeModelUsd, 2),
    overAllLargeModel: round(totalUsd / allLargeModelUsd, 3),
    overSpecialistsOnly: NaN,
  };
}

/** Fills in each run's cost against the specialists-only run (ours). */
export function againstSpecialistsOnly(costs: CostFigures[]): CostFigures[] {
  const base = costs.find((c) => c.policy === 'ours');
  return costs.map((c) => ({ ...c, overSpecialistsOnly: base ? round(c.totalUsd / base.totalUsd, 3) : NaN }));
}

/** The overflow run against its targets, on one trace. */
export function checkOverflow(within: Map<string, number>, costs: CostFigures[]): Record<string, boolean> {
  const run = costs.find((c) => c.policy === 'overflow');
  return {
    withinTarget: (within.get('overflow') ?? 0) >= TARGETS_OVERFLOW.withinTarget,
    largeModelShare: run !== undefined && run.largeModelAfterWarmup <= TARGETS_OVERFLOW.largeModelShare,
  };
}

const pct = (share: number): string => `${(share * 100).toFixed(2)}%`;

export function printCostTable(
  traces: {
    trace: Trace;
    costs: CostFigures[];
    within: Map<string, number>;
    overflowChecks: Record<string, boolean>;
  }[],
  config: SimConfig,
  serviceTailQuantile: number,
): void {
  const columns: [string, number][] = [
    ['trace', 7],
    ['policy', 9],
    [`<=${config.latencyTargetSeconds}s after wu`, 16],
    ['to LLM', 7],
    ['to LLM all', 10],
    ['GPU $', 8],
    ['LLM $', 8],
    ['total $', 8],
    ['all-LLM $', 9],
    ['x all-LLM', 9],
    ['x ours', 7],
  ];
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(columns[i]![1]) : c.padStart(columns[i]![1]))).join(' ');
  const lines = [
    '',
    'after the warm-up: share within target, share sent to the large model (LLM), cost',
    row(columns.map(([n]) => n)),
  ];
  for (const { trace, costs, within, overflowChecks } of traces) {
    for (const c of costs) {
      lines.push(
        row([
          trace.name,
          c.policy,
          pct(within.get(c.policy) ?? NaN),
          pct(c.largeModelAfterWarmup),
          pct(c.largeModelAll),
          c.gpuUsd.toFixed(2),
          c.largeModelUsd.toFixed(2),
          c.totalUsd.toFixed(2),
          c.allLargeModelUsd.toFixed(2),
          c.overAllLargeModel.toFixed(3),
          c.overSpecialistsOnly.toFixed(2),
        ]),
      );
    }
    const verdict = Object.entries(overflowChecks).map(([name, ok]) => `${name} ${ok ? 'ok' : 'MISSED'}`);
    lines.push(`  overflow: ${verdict.join(', ')}`);
  }
  lines.push(
    '',
    `overflow: ours, plus the router's decision (@slm-fleet/routing) at each arrival: predicted wait on the Ready replicas` +
      ` + service (p${Math.round(serviceTailQuantile * 1000) / 10} of the last 100 if the call must wait, else the mean) > ${config.latencyTargetSeconds} s` +
      ` sends it to the large model`,
    `cost assumptions: $${PRICES.gpuHourUsd}/GPU-hour per pod (L4-class; starting, Ready and draining pods all count);` +
      ` large model $${PRICES.inputPerMillionUsd} / $${PRICES.outputPerMillionUsd} per 1M input / output tokens;` +
      ` ${TOKENS.inputPerCall} input tokens a call, output = specialist service time x ${TOKENS.specialistOutputPerSecond} tokens/s` +
      ` (mean ${config.serviceMeanSeconds * TOKENS.specialistOutputPerSecond});` +
      ` large model latency ${LARGE_MODEL.firstTokenSeconds} s + output / ${LARGE_MODEL.outputTokensPerSecond} tokens/s, unbounded concurrency`,
    `targets (overflow, after the warm-up): >= ${pct(TARGETS_OVERFLOW.withinTarget)} within target on every trace,` +
      ` <= ${pct(TARGETS_OVERFLOW.largeModelShare)} of calls on the large model`,
  );
  console.log(lines.join('\n'));
}
