// What a step cost per answered call: CPU by process, Redis commands (server side, by name),
// round trips to Redis by process role (client side), and the workers' idle gap. Read before
// and after the step, with the CPU window innermost so the readings' own work is not charged.
import { cpuOf } from '../proc.js';
import type { Sample } from '../prometheus.js';
import type { Burner } from './burner.js';
import { cpuMeter, type CpuShares } from './cpu-meter.js';
import { idleGapBetween, scrapeIdleGap, type IdleGap } from './idle-gap.js';
import { commandsPerCall, type RedisCommands, type RedisPerCall } from './redis-commands.js';
import { readRedisWrites, roundTripsPerCall } from './round-trips.js';

/** Where the readings come from: Redis, the preload's files, and the burner (for its pid). */
export interface CostSources {
  redis: RedisCommands;
  countsDir: string;
  burner: Burner;
}

export interface CostScope {
  /** name -> pid of the processes whose CPU counts (the burner is added while it spins). */
  pids: Record<string, number>;
  /** Processes started with the count-redis preload (router, workers); absent: no Redis figures. */
  counted?: Record<string, number>;
  /** The workers' HTTP ports, for the idle-gap histogram; absent: no gap figure. */
  workerPorts?: number[];
}

export interface StepCosts {
  /** Share of one core per process over the step, and `cpu pressure` (PSI some, percent). */
  cpuPercent: CpuShares;
  /** CPU milliseconds per answered call by process, and `total` (the burner left out). */
  cpuMsPerCall: Record<string, number>;
  /** Redis commands per answered call; null when Redis could not be read. */
  redis?: RedisPerCall | null;
  /** Writes to Redis per answered call by role (router, worker); null where a count was not read. */
  roundTripsPerCall?: Record<string, number | null>;
  /** Idle gap per call; null when the workers do not export the histogram. */
  idleGap?: IdleGap | null;
}

const NOT_A_PROCESS = new Set(['cpu pressure', 'burner']);

/** Starts the readings; the returned function ends them, given the step's answered calls. */
export async function meterCosts(
  sources: CostSources,
  scope: CostScope,
): Promise<(calls: number) => Promise<StepCosts>> {
  const { counted, workerPorts } = scope;
  const pids = { ...scope.pids, ...sources.burner.pids() };
  const gapBefore = workerPorts && (await scrapeIdleGap(workerPorts));
  const writesBefore = counted && (await readRedisWrites(sources.countsDir, counted));
  const commandsBefore = counted && (await sources.redis.counts());
  const cpuBefore = cpuOf(pids);
  const shares = cpuMeter(pids);
  return async (calls) => {
    const cpuPercent = shares();
    const cpuAfter = cpuOf(pids);
    const cpuMsPerCall: Record<string, number> = {};
    let total = 0;
    for (const [name, seconds] of Object.entries(cpuAfter)) {
      if (NOT_A_PROCESS.has(name)) continue;
      const ms = ((seconds - (cpuBefore[name] ?? seconds)) * 1000) / Math.max(calls, 1);
      cpuMsPerCall[name] = Math.round(ms * 1000) / 1000;
      total += ms;
    }
    cpuMsPerCall['total'] = Math.round(total * 1000) / 1000;
    const costs: StepCosts = { cpuPercent, cpuMsPerCall };
    if (counted) {
      const commandsAfter = await sources.redis.counts();
      const writesAfter = await readRedisWrites(sources.countsDir, counted);
      costs.redis = commandsBefore && commandsAfter ? commandsPerCall(commandsBefore, commandsAfter, calls) : null;
      costs.roundTripsPerCall = roundTripsPerCall(writesBefore ?? {}, writesAfter, Object.keys(counted), calls);
    }
    if (workerPorts) {
      const gapAfter: Sample[] | undefined = await scrapeIdleGap(workerPorts);
      costs.idleGap = (gapBefore && gapAfter && idleGapBetween(gapBefore, gapAfter)) ?? null;
    }
    return costs;
  };
}
