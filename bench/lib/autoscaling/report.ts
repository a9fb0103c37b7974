// Figures from a run, the targets of issue 5 beside them, and the compact table printed at the end.
import { round } from '../proc.js';
import type { SimConfig } from './config.js';
import type { OracleResult } from './oracle.js';
import type { RunResult, StepResponse } from './simulate.js';
import type { Trace } from './traces.js';

export const TARGETS = { withinTarget: 0.99, gpuOverOracle: 1.2, stepIntervals: 2 } as const;

export interface Figures {
  policy: string;
  trace: string;
  /** Share of calls within the latency target, of those arriving after the warm-up, and of all. */
  withinAfterWarmup: number;
  withinAll: number;
  p99AfterWarmupSeconds: number;
  unstarted: number;
  gpuHoursAfterWarmup: number;
  gpuOverOracle: number;
  scaleActions: number;
  scaleActionsPerHour: number;
  step: StepResponse | undefined;
}

export function summarise(
  run: RunResult,
  trace: Trace,
  oracle: OracleResult,
  config: SimConfig,
  arrivals: Float64Array,
): Figures {
  let within = 0;
  let withinAfter = 0;
  let unstarted = 0;
  const after: number[] = [];
  for (let i = 0; i < run.latencies.length; i++) {
    const latency = run.latencies[i]!;
    if (Number.isNaN(latency)) unstarted++;
    const ok = latency <= config.latencyTargetSeconds; // NaN (never started) is a miss
    if (ok) within++;
    if (arrivals[i]! >= config.warmupSeconds) {
      after.push(Number.isNaN(latency) ? Infinity : latency);
      if (ok) withinAfter++;
    }
  }
  after.sort((a, b) => a - b);
  const p99 = after[Math.min(after.length - 1, Math.floor(0.99 * after.length))] ?? NaN;
  return {
    policy: run.policy,
    trace: run.trace,
    withinAfterWarmup: round(withinAfter / Math.max(1, run.callsAfterWarmup), 5),
    withinAll: round(within / Math.max(1, run.calls), 5),
    p99AfterWarmupSeconds: round(p99, 2),
    unstarted,
    gpuHoursAfterWarmup: round(run.gpuSecondsAfterWarmup / 3600, 2),
    gpuOverOracle: round(run.gpuSecondsAfterWarmup / oracle.gpuSecondsAfterWarmup, 3),
    scaleActions: run.actions.length,
    scaleActionsPerHour: round(run.actions.length / (trace.durationSeconds / 3600), 1),
    step: run.step,
  };
}

/** Our policy against the targets on one trace (HPA's scale actions on the same trace for the last). */
export function checkTargets(ours: Figures, hpa: Figures | undefined): Record<string, boolean> {
  const checks: Record<string, boolean> = {
    withinTarget: ours.withinAfterWarmup >= TARGETS.withinTarget,
    gpuOverOracle: ours.gpuOverOracle <= TARGETS.gpuOverOracle,
    fewerActionsThanHpa: hpa !== undefined && ours.scaleActions < hpa.scaleActions,
  };
  if (ours.step) checks['stepIntervals'] = (ours.step.intervals ?? Infinity) <= TARGETS.stepIntervals;
  return checks;
}

const pct = (share: number): string => `${(share * 100).toFixed(2)}%`;
const stepText = (s: StepResponse | undefined): string =>
  s === undefined
    ? ''
    : s.intervals === undefined
      ? 'never'
      : `${s.intervals} (${s.seconds} s), peak ${s.peakReplicas}`;

export function printTable(
  traces: { trace: Trace; oracle: OracleResult; figures: Figures[]; checks: Record<string, boolean> }[],
  config: SimConfig,
): void {
  const columns: [string, number][] = [
    ['trace', 7],
    ['policy', 8],
    [`<=${config.latencyTargetSeconds}s after wu`, 16],
    ['all calls', 10],
    ['p99 s', 8],
    ['GPU-h', 7],
    ['x oracle', 9],
    ['actions/h', 10],
    ['step: decisions to 8', 22],
  ];
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(columns[i]![1]) : c.padStart(columns[i]![1]))).join(' ');
  const lines = ['', row(columns.map(([name]) => name))];
  for (const { trace, oracle, figures, checks } of traces) {
    for (const f of figures) {
      lines.push(
        row([
          trace.name,
          f.policy,
          pct(f.withinAfterWarmup),
          pct(f.withinAll),
          Number.isFinite(f.p99AfterWarmupSeconds) ? f.p99AfterWarmupSeconds.toFixed(1) : 'inf',
          f.gpuHoursAfterWarmup.toFixed(1),
          f.gpuOverOracle.toFixed(2),
          f.scaleActionsPerHour.toFixed(1),
          stepText(f.step),
        ]),
      );
    }
    const verdict = Object.entries(checks)
      .map(([name, ok]) => `${name} ${ok ? 'ok' : 'MISSED'}`)
      .join(', ');
    lines.push(`  oracle ${(oracle.gpuSecondsAfterWarmup / 3600).toFixed(1)} GPU-h; ours: ${verdict}`);
  }
  lines.push(
    '',
    `targets (ours, after the ${config.warmupSeconds / 60}-min warm-up): >= ${pct(TARGETS.withinTarget)} within ${config.latencyTargetSeconds} s,` +
      ` <= ${TARGETS.gpuOverOracle}x the oracle's GPU-seconds, fewer scale actions than hpa; step: 8 within ${TARGETS.stepIntervals} decisions`,
    `ours@0s: ours with pods Ready at once instead of after ${config.startupSeconds} s, for reference: what the start-up delay costs`,
  );
  console.log(lines.join('\n'));
}
