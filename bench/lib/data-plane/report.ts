// The compact table printed at the end of a run: each figure beside its target.
import type { OverheadStep } from './overhead.js';
import { DISCIPLINES, type TailResult } from './tail.js';
import { THROUGHPUT_TARGET, type ThroughputResult } from './throughput.js';

export const TARGETS = {
  overhead: { rate: 500, addedP50Ms: 2, addedP99Ms: 10 },
  throughputCallsPerSecond: THROUGHPUT_TARGET,
  tail: { utilisation: 0.9, roundRobinP99OverPull: 2 },
} as const;

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const mark = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? '  ok' : '  MISSED');

export function printReport(
  overhead: OverheadStep[],
  throughput: ThroughputResult | undefined,
  tail: TailResult | undefined,
  cpuPressurePercent: number | undefined,
): void {
  const pressure = cpuPressurePercent === undefined ? '' : `; CPU pressure over the run ${cpuPressurePercent}%`;
  const lines: string[] = ['', `data-plane benchmark (latencies in ms${pressure})`, ''];
  if (overhead.length) {
    lines.push('1. overhead: router -> queue -> worker -> simulator, against the simulator directly (open loop)');
    lines.push(
      `   ${'calls/s'.padEnd(8)} ${pad('direct p50', 11)} ${pad('p99', 8)} ${pad('path p50', 9)} ${pad('p99', 8)} ${pad('added p50', 10)} ${pad('p99', 8)}  errors`,
    );
    for (const s of overhead) {
      const target = s.rate === TARGETS.overhead.rate;
      const ok = target
        ? s.added.p50 <= TARGETS.overhead.addedP50Ms && s.added.p99 <= TARGETS.overhead.addedP99Ms
        : undefined;
      lines.push(
        `   ${String(s.rate).padEnd(8)} ${pad(s.direct.latency.p50, 11)} ${pad(s.direct.latency.p99, 8)} ${pad(s.path.latency.p50, 9)} ${pad(s.path.latency.p99, 8)} ${pad(s.added.p50, 10)} ${pad(s.added.p99, 8)}  ${s.direct.errors + s.path.errors}${mark(ok)}`,
      );
    }
    lines.push(
      `   target at ${TARGETS.overhead.rate}/s: added p50 <= ${TARGETS.overhead.addedP50Ms}, p99 <= ${TARGETS.overhead.addedP99Ms}`,
    );
    lines.push(
      "   the router's timings of the path (p50 / p99): queue, in the worker (engine call included), router total",
    );
    for (const s of overhead) {
      const t = s.pathTimings;
      const pair = (x: { p50: number; p99: number }): string => `${x.p50} / ${x.p99}`;
      lines.push(
        `   ${String(s.rate).padEnd(8)} queue ${pair(t.queueMs)}, worker ${pair(t.serviceMs)}, router ${pair(t.routerTotalMs)}`,
      );
    }
    lines.push('');
  }
  if (throughput) {
    const { bestPath: p, bestEcho: e } = throughput;
    lines.push('2. throughput (closed loop)');
    lines.push(
      `   path: ${p.callsPerSecond} calls/s (1 router, ${p.workers} worker(s) x 64, ${p.inFlight} in flight, p50 ${p.latency.p50})${mark(p.callsPerSecond >= TARGETS.throughputCallsPerSecond)}`,
    );
    lines.push(
      `   bare grpc-js echo: ${e.callsPerSecond} calls/s (${e.inFlight} in flight); path / echo = ${throughput.ratio}`,
    );
    lines.push(`   target: >= ${TARGETS.throughputCallsPerSecond} calls/s`);
    const perCall = Object.entries(p.cpuMsPerCall).map(([k, v]) => `${k} ${v}`);
    const total = Object.values(p.cpuMsPerCall).reduce((a, b) => a + b, 0);
    lines.push(`   CPU ms per call (best path): ${perCall.join(', ')}; total ${Math.round(total * 100) / 100}`);
    lines.push(`   CPU pressure (best path step): ${p.cpuPercent['cpu pressure'] ?? '?'}%`);
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
    lines.push('');
  }
  if (tail) {
    const { fixedMs, perTokenMs } = tail.service;
    lines.push(
      `3. tail latency, uneven sizes (90% 5-20, 10% 200-400 tokens), 4 replicas one call at a time, tpot ${tail.tpotMs} ms`,
    );
    lines.push(`   a call holds a replica ${fixedMs} ms + ${perTokenMs} ms/token: mean ${tail.meanServiceMs} ms`);
    lines.push(
      `   ${'util'.padEnd(5)} ${'calls/s'.padEnd(8)} ${'discipline'.padEnd(13)} ${pad('p50', 8)} ${pad('p90', 8)} ${pad('p99', 8)}`,
    );
    for (const s of tail.steps) {
      for (const d of DISCIPLINES) {
        const l = s.runs[d].latency;
        lines.push(
          `   ${`${Math.round(s.utilisation * 100)}%`.padEnd(5)} ${String(s.rate).padEnd(8)} ${d.padEnd(13)} ${pad(l.p50, 8)} ${pad(l.p90, 8)} ${pad(l.p99, 8)}`,
        );
      }
      const target = s.utilisation === TARGETS.tail.utilisation;
      const ok = target ? s.p99Ratio.roundRobinOverPull >= TARGETS.tail.roundRobinP99OverPull : undefined;
      lines.push(
        `   p99 round-robin / pull = ${s.p99Ratio.roundRobinOverPull}, least-loaded / pull = ${s.p99Ratio.leastLoadedOverPull}${mark(ok)}`,
      );
      const { queueMs: q, serviceMs: w } = s.pullTimings;
      lines.push(`   pull, router's timings p50 / p99: queue ${q.p50} / ${q.p99}, in the worker ${w.p50} / ${w.p99}`);
    }
    lines.push(`   target at 90%: round-robin p99 / pull p99 >= ${TARGETS.tail.roundRobinP99OverPull}`);
  }
  console.log(lines.join('\n'));
}
