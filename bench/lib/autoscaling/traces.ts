// Arrival traces: a rate function (calls/s over time) and the calls drawn from it, seeded.
// Every policy replays the same calls (arrival time and service time), so differences in the
// figures come from the policies alone.
import { createRng, type Rng } from '../data-plane/random.js';

export interface Trace {
  name: string;
  description: string;
  durationSeconds: number;
  /** The true arrival rate at time t (s): what the oracle knows. */
  rate: (t: number) => number;
  /** For the step trace: when the load jumps from 0. */
  stepAt?: number;
  /** Replicas the step's load needs (by the spec's sizing). */
  stepReplicas?: number;
}

export interface Calls {
  /** Arrival times in seconds, ascending. */
  arrivals: Float64Array;
  /** Seconds each call holds an engine slot. */
  services: Float64Array;
}

/** A lognormal draw with the given mean and log-space sigma (Box-Muller). */
export function lognormal(rng: Rng, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const normal = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.exp(mu + sigma * normal);
}

/**
 * A non-homogeneous Poisson process by thinning: candidates at the peak rate, each kept with
 * probability rate(t) / peak. Exact for any rate function bounded by the peak.
 */
export function drawCalls(trace: Trace, seed: number, serviceMean: number, serviceSigma: number): Calls {
  const rng = createRng(seed);
  let peak = 0;
  for (let t = 0; t < trace.durationSeconds; t += 1) peak = Math.max(peak, trace.rate(t), trace.rate(t + 0.999));
  const arrivals: number[] = [];
  const services: number[] = [];
  for (let t = -Math.log(1 - rng()) / peak; t < trace.durationSeconds; t += -Math.log(1 - rng()) / peak) {
    if (rng() * peak < trace.rate(t)) {
      arrivals.push(t);
      services.push(lognormal(rng, serviceMean, serviceSigma));
    }
  }
  return { arrivals: Float64Array.from(arrivals), services: Float64Array.from(services) };
}

const MIN = 60;

/** 0 for 5 minutes, then the load of `replicas` replicas for 2 hours, then 0 for 30 minutes (scale to zero). */
export function stepTrace(perReplica: number, replicas = 8): Trace {
  const start = 5 * MIN;
  const end = start + 120 * MIN;
  return {
    name: 'step',
    description: `0 -> ${replicas * perReplica}/s (${replicas} replicas) at 5 min for 2 h, then 0 for 30 min`,
    durationSeconds: end + 30 * MIN,
    rate: (t) => (t >= start && t < end ? replicas * perReplica : 0),
    stepAt: start,
    stepReplicas: replicas,
  };
}

/** A base load of 3 replicas with seeded bursts to 3x: gaps ~10 min apart, each 30 s to 3 min long. */
export function burstsTrace(perReplica: number, seed: number): Trace {
  const rng = createRng(seed ^ 0x5eed);
  const duration = 180 * MIN;
  const base = 3 * perReplica;
  const bursts: [number, number][] = [];
  for (let t = 10 * MIN; t < duration - 15 * MIN; t += 3 * MIN - Math.log(1 - rng()) * 7 * MIN) {
    bursts.push([t, t + 30 + rng() * 150]);
  }
  return {
    name: 'bursts',
    description: `${base}/s with ${bursts.length} bursts to ${3 * base}/s (30 s - 3 min each), 3 h`,
    durationSeconds: duration,
    rate: (t) => (bursts.some(([from, to]) => t >= from && t < to) ? 3 * base : base),
  };
}

/**
 * A working day compressed 6x (24 h in 4 h: a day-hour is 10 minutes): a night floor of half a
 * replica, a morning climb to 10 replicas' load, a lunch dip, an afternoon hump, an evening fall.
 */
export function dailyTrace(perReplica: number): Trace {
  const dayHour = 10 * MIN;
  const floor = 0.5 * perReplica;
  const peak = 10 * perReplica;
  return {
    name: 'daily',
    description: `a day in 4 h: ${floor}/s at night, up to ${peak}/s, a lunch dip`,
    durationSeconds: 24 * dayHour,
    rate: (t) => {
      const h = t / dayHour;
      const day = h > 7 && h < 20 ? Math.sin((Math.PI * (h - 7)) / 13) ** 1.5 : 0;
      const lunch = 1 - 0.3 * Math.exp(-(((h - 12.5) / 0.75) ** 2));
      return floor + (peak - floor) * day * lunch;
    },
  };
}

/** 2 replicas' load, a 10 s ramp to 12 replicas' load held 5 minutes at 30 min, then back; 90 min. */
export function spikeTrace(perReplica: number): Trace {
  const base = 2 * perReplica;
  const high = 12 * perReplica;
  const at = 30 * MIN;
  return {
    name: 'spike',
    description: `${base}/s, a spike to ${high}/s for 5 min at 30 min, 90 min`,
    durationSeconds: 90 * MIN,
    rate: (t) => {
      if (t < at || t >= at + 5 * MIN + 10) return base;
      if (t < at + 10) return base + ((high - base) * (t - at)) / 10;
      if (t < at + 5 * MIN) return high;
      return high - ((high - base) * (t - at - 5 * MIN)) / 10;
    },
  };
}
