/** A deterministic source of randomness: the same seed gives the same sequence everywhere. */
export interface Rng {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Uniform integer in [low, high], both inclusive. */
  int: (low: number, high: number) => number;
  /** One element of a non-empty list. */
  pick: <T>(items: readonly T[]) => T;
}

/**
 * FNV-1a over UTF-16 code units, 32 bits. Not cryptographic: it only has to spread similar
 * requests over different answers, cheaply, on the request path.
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny, fast and good enough for picking words and fault draws. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  return { next, int, pick };
}
