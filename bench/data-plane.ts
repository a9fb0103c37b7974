// The data-plane benchmarks, one run on one private platform (Redis and an API server holding
// the Specialists the router reads; no GPU nodes, no operator):
//   1. overhead    latency the path router -> queue -> worker -> engine-sim adds to calling the
//                  simulator directly, open loop at 100, 500 and 1,000 calls/s, and streamed at 500;
//   2. throughput  calls/s the path sustains (closed loop), against a bare grpc-js echo server;
//   3. tail        p50/p90/p99 with uneven request sizes on four replicas, one call at a time and
//                  batching: queue pull (ours) against round-robin and least-loaded push.
// Every step runs quiet and with a burner holding one core, and records its costs per call
// (CPU by process, Redis commands and round trips, the workers' idle gap).
//
//   npm run bench:data-plane [-- --duration 8] [--quick] [--burner both] [--keep-platform] [--help]
//
// Results: stdout and bench/results/data-plane-<timestamp>.json. See bench/README.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Burner, CONDITIONS, type Condition } from './lib/data-plane/burner.js';
import { cpuMeter } from './lib/data-plane/cpu-meter.js';
import { ENGINE_MODELS, type EngineModel } from './lib/data-plane/engine-models.js';
import { Fleet, type UnexpectedExit } from './lib/data-plane/fleet.js';
import { OVERHEAD_CONFIG, measureOverhead, type OverheadStep } from './lib/data-plane/overhead.js';
import { RedisCommands } from './lib/data-plane/redis-commands.js';
import { printReport } from './lib/data-plane/report.js';
import { countRedisEnv, countRedisNodeArgs } from './lib/data-plane/round-trips.js';
import { NAMESPACE, bringUp } from './lib/data-plane/setup.js';
import { TAIL_CONFIG, measureTail, type TailResult } from './lib/data-plane/tail.js';
import { TARGETS } from './lib/data-plane/targets.js';
import { THROUGHPUT_CONFIG, measureThroughput, type ThroughputResult } from './lib/data-plane/throughput.js';
import { verdicts } from './lib/data-plane/verdict.js';
import { Platform } from './lib/platform.js';
import { round } from './lib/proc.js';
import { cleanUpOnSignals, runThenCleanUp } from './lib/clean-up.js';

/** bench/dist/data-plane.js -> the repository. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const MEASUREMENTS = ['overhead', 'throughput', 'tail'] as const;
type Measurement = (typeof MEASUREMENTS)[number];

interface Options {
  durationSeconds: number;
  tailDurationSeconds: number;
  rates: number[];
  inFlight: number[];
  workers: number[];
  utilisations: number[];
  tailTpotMs: number;
  only: Measurement[];
  conditions: Condition[];
  engineModels: EngineModel[];
  profile: boolean;
  seed: number;
  quick: boolean;
  keepPlatform: boolean;
}

const USAGE = `usage: npm run bench:data-plane [-- options]
  A full run takes about 16 minutes here (2 cores), a --quick one about 4, build and platform included.
  --duration SECONDS       each measured step (overhead, throughput)      default 8 (--quick: 2)
  --tail-duration SECONDS  each tail-latency step                          default 3 x duration (--quick: 6)
  --quick                  a short smoke run
  --keep-platform          leave the private platform up (env BENCH_KEEP_PLATFORM=1)
  --burner off|on|both     each step quiet, with a burner holding one core, or both   default both
  --rates LIST             overhead rates, calls/s (streamed: 500 only)    default 100,500,1000 (--quick: 100,500)
  --in-flight LIST         throughput: calls in flight                     default 128,256 (--quick: 128)
  --workers LIST           throughput: worker processes (64 calls each)    default 1,2 (--quick: 1)
  --utilisations LIST      tail: utilisation of the 4 replicas             default 0.7,0.9 (--quick: 0.9)
  --engine-models LIST     tail: one-at-a-time,batching                    default both
  --tail-tpot MS           tail: the simulators' time per output token     default 1
  --only LIST              some of overhead,throughput,tail                default all
  --profile                CPU-profile router and workers even when the throughput target is met
  --seed N                 seed of arrivals and sizes                      default 1`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  if (env['BENCH_KEEP_PLATFORM'] === '1') switches.add('--keep-platform');
  const valued = [
    '--duration',
    '--tail-duration',
    '--tail-tpot',
    '--rates',
    '--in-flight',
    '--workers',
    '--utilisations',
  ];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (['--quick', '--keep-platform', '--profile'].includes(arg)) switches.add(arg);
    else if ([...valued, '--only', '--seed', '--burner', '--engine-models'].includes(arg) && argv[i + 1] !== undefined)
      flags.set(arg, argv[++i]!);
    else throw new Error(`unknown or incomplete argument: ${arg}\n${USAGE}`);
  }
  const quick = switches.has('--quick');
  const numbers = (flag: string, fallback: number[], min: number, max = Infinity): number[] => {
    const raw = flags.get(flag);
    if (raw === undefined) return fallback;
    const list = raw.split(',').map(Number);
    if (list.some((n) => !Number.isFinite(n) || n < min || n > max))
      throw new Error(`${flag} needs numbers in [${min}, ${max}], got '${raw}'`);
    return list;
  };
  const durationSeconds = numbers('--duration', [quick ? 2 : 8], 1)[0]!;
  const only = (flags.get('--only')?.split(',') ?? [...MEASUREMENTS]) as Measurement[];
  if (only.some((m) => !MEASUREMENTS.includes(m))) throw new Error(`--only takes ${MEASUREMENTS.join(',')}`);
  const burner = flags.get('--burner') ?? 'both';
  const byBurner: Record<string, Condition[]> = { off: ['quiet'], on: ['burner'], both: [...CONDITIONS] };
  if (!byBurner[burner]) throw new Error(`--burner takes off, on or both, not '${burner}'`);
  const engineModels = (flags.get('--engine-models')?.split(',') ?? [...ENGINE_MODELS]) as EngineModel[];
  if (engineModels.some((m) => !ENGINE_MODELS.includes(m)))
    throw new Error(`--engine-models takes ${ENGINE_MODELS.join(',')}`);
  return {
    durationSeconds,
    tailDurationSeconds: numbers('--tail-duration', [quick ? 6 : 3 * durationSeconds], 1)[0]!,
    rates: numbers('--rates', quick ? [100, 500] : [100, 500, 1000], 1),
    inFlight: numbers('--in-flight', quick ? [128] : [128, 256], 1, 4096).map(Math.round),
    workers: numbers('--workers', quick ? [1] : [1, 2], 1, 8).map(Math.round),
    utilisations: numbers('--utilisations', quick ? [0.9] : [0.7, 0.9], 0.05, 0.99),
    tailTpotMs: numbers('--tail-tpot', [1], 0.1, 100)[0]!,
    only,
    conditions: byBurner[burner]!,
    engineModels,
    profile: switches.has('--profile'),
    seed: numbers('--seed', [1], 0)[0]!,
    quick,
    keepPlatform: switches.has('--keep-platform'),
  };
}

const log = (message: string): void => console.error(`[bench] ${message}`);
const cleanUp = cleanUpOnSignals('the data plane and the private platform', log);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(repoRoot, 'bench', 'results');
  const profileDir = join(resultsDir, `data-plane-${stamp}-profiles`);
  const work = await mkdtemp(join(tmpdir(), 'slm-fleet-bench-dp-'));
  const logDir = join(work, 'logs');
  await mkdir(logDir, { recursive: true });
  let succeeded = false;
  cleanUp.add(async () => {
    if (!succeeded || options.keepPlatform) log(`run directory kept: ${work} (process logs in ${logDir})`);
    else await rm(work, { recursive: true, force: true });
  });
  const wholeRun = cpuMeter({});
  const machine = {
    cpus: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    node: process.version,
  };

  // Stopped even when bringing it up failed half-way: down stops whatever has a PID file.
  const platform = new Platform(repoRoot, join(work, 'platform'));
  cleanUp.add(async () => {
    if (options.keepPlatform) log(`platform left up: SLM_FLEET_RUN_DIR=${platform.runDir} scripts/platform env|down`);
    else await platform.down(120_000);
  });
  log(`private platform in ${platform.runDir}`);
  const up = await bringUp(platform, repoRoot);
  const countsDir = join(work, 'redis-counts');
  await mkdir(countsDir, { recursive: true });
  const redisCommands = new RedisCommands(up.redisUrl);
  cleanUp.add(async () => redisCommands.close());
  const unexpectedExits: UnexpectedExit[] = [];
  const fleet = new Fleet({
    repoRoot,
    onUnexpectedExit: (exit) => {
      unexpectedExits.push(exit);
      log(`${exit.name} exited unexpectedly (${exit.signal ?? `code ${exit.code}`}); its log: ${exit.logFile}`);
    },
    logDir,
    redisUrl: up.redisUrl,
    kubeconfig: platform.kubeconfig,
    namespace: NAMESPACE,
    preload: { nodeArgs: countRedisNodeArgs(), env: countRedisEnv(countsDir, Number(new URL(up.redisUrl).port)) },
  });
  cleanUp.add(() => fleet.stopAll());
  // Added after the fleet, so it runs before it: a failed or interrupted run leaves no burner spinning.
  const burner = new Burner();
  cleanUp.add(() => burner.stop());
  const ctx = {
    fleet,
    log,
    seed: options.seed,
    durationMs: options.durationSeconds * 1000,
    basePids: { redis: up.redisPid, 'load generator': process.pid },
    conditions: options.conditions,
    burner,
    costs: { redis: redisCommands, countsDir, burner },
  };

  // A process that died (or that something else on the machine killed) voids the figures.
  const checkExits = (): void => {
    if (!unexpectedExits.length) return;
    const names = unexpectedExits.map((e) => `${e.name} (${e.signal ?? `code ${e.code}`})`).join(', ');
    throw new Error(`processes exited before the benchmark stopped them: ${names}; the figures are void`);
  };
  let overhead: OverheadStep[] = [];
  let throughput: ThroughputResult | undefined;
  let tail: TailResult | undefined;
  if (options.only.includes('overhead')) overhead = await measureOverhead(ctx, options.rates);
  checkExits();
  if (options.only.includes('throughput')) {
    await mkdir(profileDir, { recursive: true });
    throughput = await measureThroughput(ctx, {
      inFlight: options.inFlight,
      workers: options.workers,
      profileDir,
      forceProfile: options.profile,
    });
    if (!throughput.profile) await rm(profileDir, { recursive: true, force: true });
  }
  checkExits();
  if (options.only.includes('tail')) {
    const durationMs = options.tailDurationSeconds * 1000;
    const { utilisations, tailTpotMs: tpotMs, engineModels: models } = options;
    tail = await measureTail(ctx, { models, utilisations, durationMs, tpotMs });
  }
  checkExits();

  const verdictList = verdicts(options.conditions, overhead, throughput, tail);
  const results = {
    benchmark: 'data-plane',
    date: started.toISOString(),
    command: `npm run bench:data-plane -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    options,
    targets: TARGETS,
    overhead: { config: OVERHEAD_CONFIG, steps: overhead },
    throughput: throughput && { config: THROUGHPUT_CONFIG, ...throughput },
    tail: tail && { config: TAIL_CONFIG, ...tail },
    verdicts: verdictList,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    /** Share of the run some task waited for a CPU (PSI; the benchmark's own processes and any other work). */
    cpuPressurePercent: wholeRun()['cpu pressure'],
  };
  await mkdir(resultsDir, { recursive: true });
  const out = join(resultsDir, `data-plane-${stamp}.json`);
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  printReport({
    conditions: options.conditions,
    overhead,
    throughput,
    tail,
    cpuPressurePercent: results.cpuPressurePercent,
    verdicts: verdictList,
  });
  console.log(`\nwritten: ${out}${throughput?.profile ? `\nCPU profiles: ${profileDir}` : ''}`);
  succeeded = true;
}

runThenCleanUp(main, cleanUp);
