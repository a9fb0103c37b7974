// The oracle: knows the true arrival rate of every interval and has exactly the replicas it
// needs, Ready in time (no start-up, no draining charged). "Needs" = the fewest replicas with
// which an M/M/c queue (c = replicas x maxConcurrency slots, the interval's mean rate, the mean
// service time) keeps P(wait + service > latency target) within 1 - oracleWithinTarget, the
// service time being the trace's lognormal. M/M/c waits are longer than those of this less
// variable lognormal (CV 0.53), so the oracle errs on the generous side: a fair bound, not a
// flattering one for the policies.
import { erlangC } from '@slm-fleet/autoscaling';
import type { SimConfig } from './config.js';
import type { Trace } from './traces.js';

/** P(wait + service > target) for an M/M/c wait and a lognormal service, by the midpoint rule. */
export function missProbability(slots: number, rate: number, config: SimConfig): number {
  const mean = config.serviceMeanSeconds;
  const sigma = config.serviceSigma;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const target = config.latencyTargetSeconds;
  const waits = erlangC(slots, rate * mean); // the policy's Erlang C: P(a call waits)
  const theta = slots / mean - rate; // the conditional wait is exponential with this rate
  const steps = 2000;
  const h = target / steps;
  let within = 0;
  for (let i = 0; i < steps; i++) {
    const s = (i + 0.5) * h;
    const density = Math.exp(-((Math.log(s) - mu) ** 2) / (2 * sigma * sigma)) / (s * sigma * Math.sqrt(2 * Math.PI));
    within += density * (1 - waits * Math.exp(-theta * (target - s))) * h;
  }
  return 1 - within;
}

export function neededReplicas(rate: number, config: SimConfig): number {
  if (rate <= 0) return 0;
  const k = config.spec.maxConcurrency;
  for (let n = 1; n < 10_000; n++) {
    const slots = n * k;
    if (slots / config.serviceMeanSeconds <= rate) continue;
    if (missProbability(slots, rate, config) <= 1 - config.oracleWithinTarget) return n;
  }
  return Infinity;
}

export interface OracleResult {
  gpuSecondsAfterWarmup: number;
  /** Replicas needed in each interval, for the JSON. */
  replicas: number[];
}

export function oracle(trace: Trace, config: SimConfig): OracleResult {
  const interval = config.oracleIntervalSeconds;
  const cache = new Map<number, number>();
  const replicas: number[] = [];
  let gpuSecondsAfterWarmup = 0;
  for (let from = 0; from < trace.durationSeconds; from += interval) {
    const to = Math.min(trace.durationSeconds, from + interval);
    let sum = 0;
    for (let t = from; t < to; t++) sum += trace.rate(t + 0.5);
    const rate = Math.round((sum / (to - from)) * 100) / 100;
    const n = cache.get(rate) ?? neededReplicas(rate, config);
    cache.set(rate, n);
    replicas.push(n);
    gpuSecondsAfterWarmup += n * Math.max(0, to - Math.max(from, config.warmupSeconds));
  }
  return { gpuSecondsAfterWarmup, replicas };
}
