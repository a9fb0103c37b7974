// The overflow tier: a large model beside the specialist. Each call, when it arrives, is
// offered to it first, with the router's decision (`overflowOnArrival` from
// @slm-fleet/routing) on what the router knows then: the queue depth, the Ready replicas and
// their calls, and the mean and tail of recent service times. A call the Ready replicas would not
// answer within the target goes to the large model; the others queue as before, so only a
// burst's excess leaves, and calls come back as pods become Ready. The autoscaler still counts
// overflowed calls as arrivals: they are the specialist's demand, and a scaler that saw only
// the calls it kept would never grow out of the overflow.
import { overflowOnArrival, recentServiceStats } from '@slm-fleet/routing';
import type { SimConfig } from './config.js';

/** What the router knows of the specialist when a call arrives. */
export interface ArrivalState {
  waiting: number;
  readyReplicas: number;
  /** Calls running on the Ready replicas. */
  inFlight: number;
  /** Mean service time of the last 100 completed calls; undefined before the first completes. */
  meanServiceSeconds: number | undefined;
  /** Their `serviceTailQuantile` percentile, likewise. */
  serviceTailSeconds: number | undefined;
}

export interface OverflowTier {
  /** True: this call goes to the large model instead of the specialist's queue. */
  takes: (at: ArrivalState) => boolean;
  /** Seconds the large model takes to answer a call that holds a specialist slot this long. */
  latencySeconds: (serviceSeconds: number) => number;
  /** Which percentile of recent service times the router reads as a call's service. */
  serviceTailQuantile: number;
}

/**
 * Which percentile of recent service times stands for a kept call's own service (see
 * shouldOverflow): the within-target share the benchmark asks for, so a call kept at the
 * boundary misses about as often as the target allows. The mean alone kept 97.5 % on bursts.
 */
export const SERVICE_TAIL_QUANTILE = 0.99;

/**
 * Tokens per call, as assumptions (the traces have none): a fixed prompt, and an answer as long
 * as the specialist's service time at its decode rate (2 s mean -> 200 tokens).
 */
export const TOKENS = { inputPerCall: 1000, specialistOutputPerSecond: 100 } as const;
/** A hosted large model: time to first token, then its output rate; unbounded concurrency. */
export const LARGE_MODEL = { firstTokenSeconds: 1.5, outputTokensPerSecond: 150 } as const;

export const outputTokens = (serviceSeconds: number): number =>
  Math.round(serviceSeconds * TOKENS.specialistOutputPerSecond);

export const largeModelSeconds = (serviceSeconds: number): number =>
  LARGE_MODEL.firstTokenSeconds + outputTokens(serviceSeconds) / LARGE_MODEL.outputTokensPerSecond;

export function overflowTier(config: SimConfig, serviceTailQuantile = SERVICE_TAIL_QUANTILE): OverflowTier {
  const targetLatencyMs = config.latencyTargetSeconds * 1000;
  return {
    takes: (at) =>
      overflowOnArrival(
        {
          waiting: at.waiting,
          readyReplicas: at.readyReplicas,
          concurrency: config.spec.maxConcurrency,
          inFlight: at.inFlight,
          // Before any call completes there is no observation: the service time the Specialist
          // was sized with stands in (a router would keep the last one it saw).
          meanServiceMs: (at.meanServiceSeconds ?? config.serviceMeanSeconds) * 1000,
        },
        targetLatencyMs,
        at.serviceTailSeconds === undefined ? undefined : at.serviceTailSeconds * 1000,
      ),
    latencySeconds: largeModelSeconds,
    serviceTailQuantile,
  };
}

/** The mean and tail of recent service times the router reads, as of `completed` completions. */
export interface ServiceStats {
  completed: number;
  mean: number | undefined;
  tail: number | undefined;
}

export function serviceStatsOf(recent: number[], completed: number, quantile: number): ServiceStats {
  const stats = recentServiceStats(recent, quantile);
  return { completed, mean: stats?.mean, tail: stats?.tail };
}
