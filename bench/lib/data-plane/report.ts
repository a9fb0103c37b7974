// The compact report printed at the end of a run: each figure under each condition side by
// side (quiet, burner), its costs per call, and the verdict against the issue's targets.
import type { Condition } from './burner.js';
import { fig, formatCosts } from './format.js';
import type { OverheadStep } from './overhead.js';
import { DISCIPLINES, TAIL_CONFIG, type TailResult } from './tail.js';
import { TARGETS } from './targets.js';
import type { ThroughputResult } from './throughput.js';
import { verdictLines, type Verdict } from './verdict.js';

export interface Report {
  conditions: readonly Condition[];
  overhead: OverheadStep[];
  throughput: ThroughputResult | undefined;
  tail: TailResult | undefined;
  cpuPressurePercent: number | undefined;
  verdicts: Verdict[];
}

const mark = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? ' ok' : ' MISSED');
const pair = (l: { p50: number; p99: number }): string => `${fig(l.p50)} / ${fig(l.p99)}`;

/** A table's row: the label column, then one group of cells per condition, side by side. */
const table =
  (cellWidth: number, labelWidth = 18) =>
  (label: string, groups: string[][]): string =>
    `   ${label.padEnd(labelWidth)}${groups.map((g) => g.map((c) => c.padEnd(cellWidth)).join('')).join('  ')}`.trimEnd();

function overheadLines(conditions: readonly Condition[], steps: OverheadStep[]): string[] {
  const row = table(17);
  const lines = ['1. overhead: router -> queue -> worker -> simulator, against the simulator directly (open loop)'];
  lines.push(
    row(
      '',
      conditions.map((c) => [`${c}: p50 / p99 ms`, '', '']),
    ),
  );
  lines.push(
    row(
      'calls/s',
      conditions.map(() => ['direct', 'path', 'added']),
    ),
  );
  const label = (s: OverheadStep): string => `${s.rate}${s.mode === 'streamed' ? ' streamed' : ''}`;
  for (const key of new Set(steps.map(label))) {
    const groups = conditions.map((c) => {
      const s = steps.find((x) => label(x) === key && x.condition === c);
      if (!s) return ['-', '-', '-'];
      const { rate, addedP50Ms, addedP99Ms } = TARGETS.overhead;
      const ok =
        s.rate === rate && s.mode === 'unary' ? s.added.p50 <= addedP50Ms && s.added.p99 <= addedP99Ms : undefined;
      return [pair(s.direct.latency), pair(s.path.latency), `${pair(s.added)}${mark(ok)}`];
    });
    lines.push(row(key, groups));
  }
  const { rate, addedP50Ms, addedP99Ms } = TARGETS.overhead;
  lines.push(`   target at ${rate}/s (unary): added p50 <= ${addedP50Ms}, p99 <= ${addedP99Ms}`);
  for (const s of steps) {
    for (const [target, run] of [
      ['direct', s.direct],
      ['path', s.path],
    ] as const)
      if (run.errors || run.unfinished)
        lines.push(
          `   ${label(s)} ${s.condition} ${target}: ${run.errors} errors, ${run.unfinished} unfinished (${run.firstError ?? ''})`,
        );
  }
  lines.push(
    "   the router's timings of the path (p50 / p99): queue, in the worker (engine call included), router total",
  );
  for (const s of steps) {
    const t = s.pathTimings;
    lines.push(
      `   ${label(s).padEnd(13)} ${s.condition.padEnd(7)} queue ${pair(t.queueMs)}, worker ${pair(t.serviceMs)}, router ${pair(t.routerTotalMs)}`,
    );
  }
  lines.push(
    '   per answered call: CPU ms by process; Redis commands (server side); round trips to Redis; worker idle gap',
  );
  for (const s of steps) {
    lines.push(`   ${label(s).padEnd(13)} ${s.condition.padEnd(7)} direct: ${formatCosts(s.direct.costs)}`);
    lines.push(`   ${''.padEnd(21)} path:   ${formatCosts(s.path.costs)}`);
  }
  return lines;
}

function throughputLines(conditions: readonly Condition[], throughput: ThroughputResult): string[] {
  const row = table(34);
  const lines = ['2. throughput (closed loop; calls/s, p50 ms)'];
  lines.push(
    row(
      '',
      conditions.map((c) => [c]),
    ),
  );
  const best = (c: Condition) => throughput.best[c];
  const bestRow = (label: string, cell: (b: NonNullable<ReturnType<typeof best>>) => string): string =>
    row(
      label,
      conditions.map((c) => [best(c) ? cell(best(c)!) : '-']),
    );
  lines.push(
    bestRow('path, best', (b) => `${b.path.callsPerSecond} (${b.path.workers} x 64, ${b.path.inFlight} in flight)`),
  );
  lines.push(bestRow('echo, best', (b) => `${b.echo.callsPerSecond} (${b.echo.inFlight} in flight)`));
  lines.push(bestRow('path / echo', (b) => `${b.ratio}`));
  const target = TARGETS.throughputCallsPerSecond;
  lines.push(bestRow(`path >= ${target}/s`, (b) => mark(b.path.callsPerSecond >= target).trim()));
  const label = (s: ThroughputResult['steps'][number]): string =>
    s.target === 'echo' ? `echo, ${s.inFlight}` : `path ${s.workers}w, ${s.inFlight}`;
  for (const key of new Set(throughput.steps.map(label))) {
    const groups = conditions.map((c) => {
      const s = throughput.steps.find((x) => label(x) === key && x.condition === c);
      return [s ? `${s.callsPerSecond}, p50 ${fig(s.latency.p50)}${s.errors ? `, ${s.errors} errors` : ''}` : '-'];
    });
    lines.push(row(key, groups));
  }
  lines.push('   per answered call, best of each:');
  for (const c of conditions) {
    const b = best(c);
    if (!b) continue;
    lines.push(`   ${c.padEnd(7)} path: ${formatCosts(b.path.costs)}`);
    lines.push(`   ${''.padEnd(7)} echo: ${formatCosts(b.echo.costs)}`);
  }
  for (const proc of throughput.profile?.processes ?? []) {
    const name = proc.file.replace(/^.*\//, '').replace('.cpuprofile', '');
    const top = proc.topFunctions
      .slice(0, 4)
      .map((f) => `${f.name} ${f.percent}%`)
      .join('; ');
    const pkgs = proc.topPackages
      .slice(0, 5)
      .map((f) => `${f.name} ${f.percent}%`)
      .join(', ');
    lines.push(
      `   profile ${name}: busy ${Math.round((proc.totalMs - proc.idleMs) / 1000)} of ${Math.round(proc.totalMs / 1000)} s; by package: ${pkgs}`,
    );
    lines.push(`     top self time: ${top}`);
  }
  return lines;
}

function tailLines(conditions: readonly Condition[], tail: TailResult): string[] {
  const row = table(24);
  const { small, large, smallShare } = TAIL_CONFIG.sizes;
  const mix = `${smallShare * 100}% ${small.join('-')}, ${Math.round((1 - smallShare) * 100)}% ${large.join('-')} tokens`;
  const lines = [`3. tail latency, uneven sizes (${mix}), ${TAIL_CONFIG.replicas} replicas, tpot ${tail.tpotMs} ms`];
  for (const m of tail.models) {
    const { maxBatch, batchSlowdown, workerConcurrency } = m.engine;
    const { fit, meanServiceMs, callsPerSecond } = m.capacity;
    const line = fit ? `${fig(fit.fixedMs)} ms + ${fig(fit.perTokenMs)} ms/token = ` : '';
    lines.push(
      `   ${m.model} (max batch ${maxBatch}, tpot ${tail.tpotMs * m.engine.tpotFactor} ms, slowdown ${batchSlowdown} x tpot per other call; pull workers of concurrency ${workerConcurrency}):`,
      `   a call holds a ${maxBatch > 1 ? 'batch slot' : 'replica'} ${line}${fig(meanServiceMs)} ms at the mean; capacity ${fig(callsPerSecond)} calls/s`,
    );
    lines.push(
      row(
        '',
        conditions.map((c) => [`${c}: p50 / p90 / p99 ms`]),
      ),
    );
    for (const u of new Set(m.steps.map((s) => s.utilisation))) {
      const at = (c: Condition) => m.steps.find((s) => s.utilisation === u && s.condition === c);
      for (const d of DISCIPLINES) {
        const groups = conditions.map((c) => {
          const l = at(c)?.runs[d].latency;
          return [l ? `${fig(l.p50)} / ${fig(l.p90)} / ${fig(l.p99)}` : '-'];
        });
        lines.push(row(`${`${Math.round(u * 100)}%`.padEnd(4)} ${d}`, groups));
      }
      const rate = m.steps.find((s) => s.utilisation === u)?.rate;
      lines.push(`        ${rate} calls/s; p99 round-robin / pull, least-loaded / pull; p50 pull / least-loaded:`);
      lines.push(
        row(
          '',
          conditions.map((c) => {
            const r = at(c)?.ratios;
            return [r ? `${r.roundRobinP99OverPull}, ${r.leastLoadedP99OverPull}; ${r.pullP50OverLeastLoaded}` : '-'];
          }),
        ),
      );
      for (const c of conditions) {
        const s = at(c);
        if (!s) continue;
        const { queueMs: q, serviceMs: w } = s.pullTimings;
        lines.push(`   ${c.padEnd(7)} pull, router's timings p50 / p99: queue ${pair(q)}, in the worker ${pair(w)}`);
        lines.push(`   ${''.padEnd(7)} pull per call: ${formatCosts(s.runs.pull.costs)}`);
        for (const d of DISCIPLINES) {
          const run = s.runs[d];
          if (run.errors || run.unfinished)
            lines.push(
              `   ${''.padEnd(7)} ${d}: ${run.errors} errors, ${run.unfinished} unfinished (${run.firstError ?? ''})`,
            );
        }
      }
    }
  }
  return lines;
}

export function printReport(report: Report): void {
  const { conditions, cpuPressurePercent } = report;
  const pressure = cpuPressurePercent === undefined ? '' : `; CPU pressure over the run ${cpuPressurePercent}%`;
  const lines: string[] = ['', `data-plane benchmark (latencies in ms${pressure}; burner: one core spinning)`, ''];
  if (report.overhead.length) lines.push(...overheadLines(conditions, report.overhead), '');
  if (report.throughput) lines.push(...throughputLines(conditions, report.throughput), '');
  if (report.tail) lines.push(...tailLines(conditions, report.tail), '');
  lines.push(...verdictLines(report.verdicts));
  console.log(lines.join('\n'));
}
