// The workers' idle gap: how long a worker slot stayed free while a call was waiting for it
// (from the end of one call's engine answer to the start of the next, counted only for calls
// queued before the slot freed). Each worker exports it as a histogram; the benchmark scrapes
// every worker before and after a step, and the difference is the step's gaps.
import { histogramQuantile, parseMetrics, type Sample } from '../prometheus.js';

export const IDLE_GAP_METRIC = 'slm_fleet_worker_idle_gap_seconds';

/** Gaps of one step, ms per call; null figures when the step had no gap. */
export interface IdleGap {
  count: number;
  meanMs: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

const SCRAPE_TIMEOUT_MS = 5000;

/** The histogram's samples summed over every worker (and specialist), or undefined when a scrape failed. */
export async function scrapeIdleGap(ports: number[]): Promise<Sample[] | undefined> {
  try {
    const texts = await Promise.all(
      ports.map(async (port) => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.text();
      }),
    );
    return texts.flatMap((text) => parseMetrics(text).filter((s) => s.name.startsWith(IDLE_GAP_METRIC)));
  } catch {
    return undefined;
  }
}

/** Sums a histogram's series by name and bucket bound, dropping the other labels. */
function summed(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const key = s.name.endsWith('_bucket') ? `${s.name}|${s.labels['le']}` : s.name;
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/**
 * The gaps between two scrapes: mean (sum / count), and p50 and p99 estimated from the
 * buckets by linear interpolation inside a bucket (as PromQL). Undefined when the workers do
 * not export the histogram (a build without it).
 */
export function idleGapBetween(before: Sample[], after: Sample[]): IdleGap | undefined {
  if (!after.some((s) => s.name === `${IDLE_GAP_METRIC}_count`)) return undefined;
  const [b, a] = [summed(before), summed(after)];
  const diff: Sample[] = [];
  for (const [key, value] of a) {
    const [name, le] = key.split('|');
    if (le !== undefined) diff.push({ name: name!, labels: { le }, value: value - (b.get(key) ?? 0) });
  }
  const delta = (suffix: string): number =>
    (a.get(`${IDLE_GAP_METRIC}${suffix}`) ?? 0) - (b.get(`${IDLE_GAP_METRIC}${suffix}`) ?? 0);
  const count = Math.round(delta('_count'));
  const ms = (seconds: number | undefined): number | null =>
    seconds === undefined || count === 0 ? null : Math.round(seconds * 1e6) / 1000;
  return {
    count,
    meanMs: ms(count ? delta('_sum') / count : undefined),
    p50Ms: ms(histogramQuantile(diff, IDLE_GAP_METRIC, 0.5)),
    p99Ms: ms(histogramQuantile(diff, IDLE_GAP_METRIC, 0.99)),
  };
}
