// Latency percentiles from the raw samples: a sorted copy and the nearest rank. Steps hold at
// most tens of thousands of samples, so no histogram is needed.

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The nearest-rank percentile (q in 0..1) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Milliseconds in, milliseconds out (rounded to µs). */
export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: r3(sorted.length ? sum / sorted.length : NaN),
    p50: r3(percentile(sorted, 0.5)),
    p90: r3(percentile(sorted, 0.9)),
    p99: r3(percentile(sorted, 0.99)),
    max: r3(sorted.length ? (sorted[sorted.length - 1] as number) : NaN),
  };
}
