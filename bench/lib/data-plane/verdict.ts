// The report's verdict: each of the "done when" checks under each condition, met or
// missed with its figures, then the per-call costs it asks to see (gap, commands, CPU). A
// check whose measurement did not run (--only, --engine-models) says so instead.
import type { Condition } from './burner.js';
import { ENGINE_MODELS } from './engine-models.js';
import { fig, formatCosts } from './format.js';
import { MODES, OVERHEAD_CONFIG, type OverheadStep } from './overhead.js';
import type { StepCosts } from './step-costs.js';
import type { TailResult } from './tail.js';
import { TARGETS } from './targets.js';
import type { ThroughputResult } from './throughput.js';

export interface Verdict {
  check: string;
  condition: Condition;
  /** null: a figure without a goal, or not measured. */
  met: boolean | null;
  figures: string;
}

const NOT_MEASURED = 'not measured in this run';

export function verdicts(
  conditions: readonly Condition[],
  overhead: OverheadStep[],
  throughput: ThroughputResult | undefined,
  tail: TailResult | undefined,
): Verdict[] {
  const out: Verdict[] = [];
  const each = (check: string, judge: (c: Condition) => Omit<Verdict, 'check' | 'condition'> | undefined): void => {
    for (const condition of conditions)
      out.push({ check, condition, ...(judge(condition) ?? { met: null, figures: NOT_MEASURED }) });
  };
  const { tail: t, overhead: o } = TARGETS;
  const util = `${Math.round(t.utilisation * 100)}%`;
  for (const model of ENGINE_MODELS) {
    const at = (c: Condition) =>
      tail?.models
        .find((m) => m.model === model)
        ?.steps.find((s) => s.utilisation === t.utilisation && s.condition === c);
    each(`tail ${util} ${model}: pull p99 <= least-loaded p99`, (c) => {
      const s = at(c);
      if (!s) return undefined;
      const [pull, ll] = [s.runs.pull.latency.p99, s.runs['least-loaded'].latency.p99];
      return {
        met: pull <= t.pullP99OverLeastLoaded * ll,
        figures: `pull ${fig(pull)} ms, least-loaded ${fig(ll)} ms`,
      };
    });
    each(`tail ${util} ${model}: round-robin p99 / pull p99 >= ${t.roundRobinP99OverPull}`, (c) => {
      const s = at(c);
      if (!s) return undefined;
      const [rr, pull] = [s.runs['round-robin'].latency.p99, s.runs.pull.latency.p99];
      const ratio = s.ratios.roundRobinP99OverPull;
      return { met: rr >= t.roundRobinP99OverPull * pull, figures: `${fig(rr)} / ${fig(pull)} ms = ${ratio}` };
    });
    each(`tail ${util} ${model}: pull p50 <= ${t.pullP50OverLeastLoaded} x least-loaded p50`, (c) => {
      const s = at(c);
      if (!s) return undefined;
      const [pull, ll] = [s.runs.pull.latency.p50, s.runs['least-loaded'].latency.p50];
      const ratio = s.ratios.pullP50OverLeastLoaded;
      return {
        met: pull <= t.pullP50OverLeastLoaded * ll,
        figures: `pull ${fig(pull)} ms, least-loaded ${fig(ll)} ms (x${ratio})`,
      };
    });
  }
  each(`throughput >= ${TARGETS.throughputOverEcho} x bare grpc-js echo`, (c) => {
    const best = throughput?.best[c];
    if (!best) return undefined;
    return {
      met: best.ratio >= TARGETS.throughputOverEcho,
      figures: `path ${best.path.callsPerSecond} calls/s, echo ${best.echo.callsPerSecond} (x${best.ratio})`,
    };
  });
  each(`added p50 / p99 at ${o.rate} calls/s <= ${o.addedP50Ms} / ${o.addedP99Ms} ms`, (c) => {
    const s = overhead.find((x) => x.rate === o.rate && x.mode === 'unary' && x.condition === c);
    if (!s) return undefined;
    const { p50, p99 } = s.added;
    return {
      met: p50 <= o.addedP50Ms && p99 <= o.addedP99Ms,
      figures: `${fig(p50)} / ${fig(p99)} ms (path ${fig(s.path.latency.p50)} / ${fig(s.path.latency.p99)}, direct ${fig(s.direct.latency.p50)} / ${fig(s.direct.latency.p99)})`,
    };
  });

  const costs = (check: string, find: (c: Condition) => { path: StepCosts; direct?: StepCosts } | undefined) =>
    each(check, (c) => {
      const found = find(c);
      if (!found) return undefined;
      const direct = found.direct
        ? ` (calling the simulator directly: CPU ${fig(found.direct.cpuMsPerCall['total'])} ms)`
        : '';
      return { met: null, figures: `${formatCosts(found.path, false)}${direct}` };
    });
  for (const mode of MODES) {
    const rate = mode === 'unary' ? o.rate : OVERHEAD_CONFIG.streamed.rate;
    costs(`per call, overhead ${mode} at ${rate} calls/s`, (c) => {
      const s = overhead.find((x) => x.rate === rate && x.mode === mode && x.condition === c);
      return s && { path: s.path.costs, direct: s.direct.costs };
    });
  }
  costs('per call, throughput (best path)', (c) => {
    const best = throughput?.best[c];
    return best && { path: best.path.costs };
  });
  for (const model of ENGINE_MODELS) {
    costs(`per call, tail ${util} ${model} (pull)`, (c) => {
      const s = tail?.models
        .find((m) => m.model === model)
        ?.steps.find((x) => x.utilisation === t.utilisation && x.condition === c);
      return s && { path: s.runs.pull.costs };
    });
  }
  return out;
}

export function verdictLines(list: Verdict[]): string[] {
  const lines = [
    'verdict (the issue\'s "done when"; per call: CPU ms across processes, Redis commands, round trips, idle gap)',
  ];
  let last = '';
  for (const v of list) {
    if (v.check !== last) lines.push(`   ${v.check}`);
    last = v.check;
    const mark = v.met === null ? '' : v.met ? 'met: ' : 'MISSED: ';
    lines.push(`     ${v.condition.padEnd(7)} ${mark}${v.figures}`);
  }
  return lines;
}
