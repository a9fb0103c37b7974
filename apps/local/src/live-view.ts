import type { TaskFigures } from './demo-workload.js';

/** One row of the live view: a task's traffic and the Specialist serving it. */
export interface LiveRow extends TaskFigures {
  specialist: string;
  waiting: number | undefined;
  replicasReady: number;
  replicasAsked: number;
}

const HEADER = ['task', 'calls/s', 'p50 ms', 'p99 ms', 'failed', 'specialist', 'queue', 'replicas'];

/** The live view as text: a table per task; replicas as ready/asked, so scaling shows as it happens. */
export function renderLiveView(rows: readonly LiveRow[], lastScaling: readonly string[]): string {
  const cells = rows.map((r) => [
    r.task,
    r.callsPerSecond.toFixed(1),
    r.p50Ms === undefined ? '-' : String(Math.round(r.p50Ms)),
    r.p99Ms === undefined ? '-' : String(Math.round(r.p99Ms)),
    String(r.failed),
    r.specialist,
    r.waiting === undefined ? '?' : String(r.waiting),
    `${r.replicasReady}/${r.replicasAsked}`,
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [
    'slm-fleet local: demo workload (Ctrl-C stops everything)',
    '',
    line(HEADER),
    ...cells.map(line),
    '',
    'last scaling decisions:',
    ...(lastScaling.length > 0 ? lastScaling.map((s) => `  ${s}`) : ['  (none yet)']),
  ].join('\n');
}
