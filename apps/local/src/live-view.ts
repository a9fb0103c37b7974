import type { TaskFigures } from './demo-workload.js';

/** One row of the live view: a task's traffic, who answered it, and the Specialist serving it. */
export interface LiveRow extends TaskFigures {
  specialist: string;
  waiting: number | undefined;
  replicasReady: number;
  replicasAsked: number;
}

/** The large-model tier under the table: an openai Specialist, its engine (simulator or endpoint), queue and workers. */
export interface LargeModelLine {
  specialist: string;
  engine: string;
  waiting: number | undefined;
  replicasReady: number;
  replicasAsked: number;
}

const HEADER = [
  'task',
  'calls/s',
  'p50 ms',
  'p99 ms',
  'failed',
  'specialist',
  'queue',
  'replicas',
  'large model',
  'why',
];

/**
 * The live view as text: a table per task; replicas as ready/asked, so scaling shows as it
 * happens; the share of answers the large model gave and the fallback reasons, so both tiers
 * show with why.
 */
export function renderLiveView(
  rows: readonly LiveRow[],
  lastScaling: readonly string[],
  largeModels: readonly LargeModelLine[] = [],
): string {
  const cells = rows.map((r) => [
    r.task,
    r.callsPerSecond.toFixed(1),
    r.p50Ms === undefined ? '-' : String(Math.round(r.p50Ms)),
    r.p99Ms === undefined ? '-' : String(Math.round(r.p99Ms)),
    String(r.failed),
    r.specialist,
    waitingText(r.waiting),
    `${r.replicasReady}/${r.replicasAsked}`,
    shareText(r.largeModelShare),
    reasonsText(r.reasons),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    'slm-fleet local: demo workload (Ctrl-C stops everything)',
    '',
    line(HEADER),
    ...cells.map(line),
    ...(largeModels.length > 0
      ? ['', 'large model (the fallback of the tasks):', ...largeModels.map(largeModelText)]
      : []),
    '',
    'last scaling decisions:',
    ...(lastScaling.length > 0 ? lastScaling.map((s) => `  ${s}`) : ['  (none yet)']),
  ].join('\n');
}

/** A share as a whole percentage; `-` before any answer. */
export function shareText(share: number | undefined): string {
  return share === undefined ? '-' : `${Math.round(share * 100)}%`;
}

/** Fallback reasons with their counts, most frequent first (as given); `-` for none. */
export function reasonsText(reasons: readonly (readonly [string, number])[]): string {
  return reasons.length > 0 ? reasons.map(([reason, count]) => `${reason} ${count}`).join(', ') : '-';
}

const waitingText = (waiting: number | undefined): string => (waiting === undefined ? '?' : String(waiting));

const largeModelText = (m: LargeModelLine): string =>
  `  ${m.specialist}: ${m.engine}, queue ${waitingText(m.waiting)}, workers ${m.replicasReady}/${m.replicasAsked}`;
