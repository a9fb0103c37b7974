// Seeded draws, so every discipline and every run of a step sees the same arrivals and sizes.

export type Rng = () => number;

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Open-loop arrival times (ms from the start) of a Poisson process at `perSecond`: what many
 * independent agents calling at random look like. Precomputed, so sending costs nothing.
 */
export function poissonArrivals(perSecond: number, durationMs: number, rng: Rng): number[] {
  const out: number[] = [];
  const meanGapMs = 1000 / perSecond;
  for (let t = -Math.log(1 - rng()) * meanGapMs; t < durationMs; t += -Math.log(1 - rng()) * meanGapMs) out.push(t);
  return out;
}

/** A bimodal mix of answer lengths (max_tokens): mostly short answers, a few long ones. */
export interface SizeMix {
  smallShare: number;
  small: readonly [number, number];
  large: readonly [number, number];
}

export const UNEVEN_SIZES: SizeMix = { smallShare: 0.9, small: [5, 20], large: [200, 400] };

const between = ([lo, hi]: readonly [number, number], rng: Rng): number => lo + Math.floor(rng() * (hi - lo + 1));

export const drawSize = (mix: SizeMix, rng: Rng): number =>
  rng() < mix.smallShare ? between(mix.small, rng) : between(mix.large, rng);

export const meanSize = (mix: SizeMix): number =>
  mix.smallShare * ((mix.small[0] + mix.small[1]) / 2) + (1 - mix.smallShare) * ((mix.large[0] + mix.large[1]) / 2);

/**
 * `n` sizes in exactly the mix's proportions, spread evenly over each range, in a seeded
 * shuffle: a short calibration sees the mix's own mean instead of a draw's (a few dozen long
 * answers more or less would move it by several percent).
 */
export function exactMix(mix: SizeMix, n: number, rng: Rng): number[] {
  const small = Math.round(mix.smallShare * n);
  const spread = ([lo, hi]: readonly [number, number], k: number): number[] =>
    Array.from({ length: k }, (_, i) => Math.round(lo + ((hi - lo) * (i + 0.5)) / k));
  const sizes = [...spread(mix.small, small), ...spread(mix.large, n - small)];
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [sizes[i], sizes[j]] = [sizes[j] as number, sizes[i] as number];
  }
  return sizes;
}
