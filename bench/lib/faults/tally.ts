// What became of a scenario's calls, per caller: answered, failed by reason, hung, and how
// often the engine ran a call more than once (and after its caller already had the answer).
import { round } from '../proc.js';
import { CALLERS, type CallRecord, type CallerKind } from './load.js';

export interface CallerTally {
  sent: number;
  ok: number;
  /** `CODE/REASON` -> calls. */
  failed: Record<string, number>;
  hung: number;
  /** Calls the engine started more than once. */
  ranTwice: number;
  /** ... of which a start came after the caller had its answer. */
  ranAfterAnswer: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function tally(records: CallRecord[], starts: ReadonlyMap<string, number[]>): Record<CallerKind, CallerTally> {
  const out = {} as Record<CallerKind, CallerTally>;
  for (const caller of CALLERS) {
    const mine = records.filter((r) => r.caller === caller);
    const failed: Record<string, number> = {};
    const latencies: number[] = [];
    let ranTwice = 0;
    let ranAfterAnswer = 0;
    for (const record of mine) {
      if (record.outcome === 'ok' && record.endedAt) latencies.push(record.endedAt - record.sentAt);
      else if (record.outcome) failed[record.outcome] = (failed[record.outcome] ?? 0) + 1;
      const times = starts.get(record.id) ?? [];
      if (times.length > 1) ranTwice++;
      if (record.outcome === 'ok' && times.some((t) => record.endedAt !== undefined && t > record.endedAt)) {
        ranAfterAnswer++;
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
      round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 0);
    out[caller] = {
      sent: mine.length,
      ok: latencies.length,
      failed,
      hung: mine.filter((r) => r.outcome === undefined).length,
      ranTwice,
      ranAfterAnswer,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: latencies.at(-1) ?? 0,
    };
  }
  return out;
}

/** One line per scenario and caller. */
export function printTally(rows: { scenario: string; fsync: string; tally: Record<CallerKind, CallerTally> }[]): void {
  const header = [
    'scenario',
    'fsync',
    'caller',
    'sent',
    'ok',
    'failed (by reason)',
    'hung',
    'ran twice',
    'after answer',
    'p50 ms',
    'p99 ms',
    'max ms',
  ];
  const lines = [header];
  for (const row of rows) {
    for (const caller of CALLERS) {
      const t = row.tally[caller];
      const failed =
        Object.entries(t.failed)
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ') || '0';
      lines.push(
        [
          row.scenario,
          row.fsync,
          caller,
          t.sent,
          t.ok,
          failed,
          t.hung,
          t.ranTwice,
          t.ranAfterAnswer,
          t.p50Ms,
          t.p99Ms,
          t.maxMs,
        ].map(String),
      );
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}
