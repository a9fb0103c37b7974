// The chaos benchmark: each fault the data plane must ride through (Redis killed and back,
// the router killed and restarted, a worker killed mid-calls, scaling up and down), injected
// into a running fleet under open-loop load, through @slm-fleet/client and through a raw
// grpc-js caller. Per fault and caller it prints calls answered, failed by reason, hung, and
// run twice on the engine; then the same Redis faults with appendfsync always, to weigh
// durability against latency.
//
//   npm run bench:faults [-- --rate 60] [--deadline-ms 10000] [--only redis-kill-1s,...] [--keep-platform]
//
// Results: stdout and bench/results/faults-<timestamp>.json. See bench/README.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@slm-fleet/service';
import { cleanUpOnSignals, runThenCleanUp } from './lib/clean-up.js';
import { Fleet } from './lib/data-plane/fleet.js';
import { NAMESPACE, bringUp } from './lib/data-plane/setup.js';
import { FaultFleet, TASK } from './lib/faults/fault-fleet.js';
import { KillableRedis, type Fsync } from './lib/faults/killable-redis.js';
import { LoadGenerator } from './lib/faults/load.js';
import { BASE_WORKERS, SCENARIOS, type Scenario } from './lib/faults/scenarios.js';
import { printTally, tally, type CallerTally } from './lib/faults/tally.js';
import { Platform } from './lib/platform.js';
import { round } from './lib/proc.js';
import { sleep, waitFor } from './lib/run.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The Redis faults run again with appendfsync always, beside the baseline. */
const FSYNC_ALWAYS_SCENARIOS = ['none', 'redis-kill-1s'];
const WARM_MS = 3_000;

interface Options {
  rate: number;
  deadlineMs: number;
  afterFaultMs: number;
  only: string[];
  keepPlatform: boolean;
}

const USAGE = `usage: npm run bench:faults [-- options]
  --rate N             calls/s, half through the client, half raw   default 60
  --deadline-ms MS     every call's deadline                         default 10000
  --after-fault S      load kept on after each fault, seconds        default 8
  --only LIST          some of ${SCENARIOS.map((s) => s.name).join(',')}
  --keep-platform      leave the private platform up (env BENCH_KEEP_PLATFORM=1)`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const options: Options = {
    rate: 60,
    deadlineMs: 10_000,
    afterFaultMs: 8_000,
    only: SCENARIOS.map((s) => s.name),
    keepPlatform: env['BENCH_KEEP_PLATFORM'] === '1',
  };
  const number = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} needs a number in [${min}, ${max}]`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--keep-platform') options.keepPlatform = true;
    else if (arg === '--rate') options.rate = number(arg, argv[++i], 1, 500);
    else if (arg === '--deadline-ms') options.deadlineMs = number(arg, argv[++i], 1_000, 120_000);
    else if (arg === '--after-fault') options.afterFaultMs = number(arg, argv[++i], 1, 120) * 1000;
    else if (arg === '--only') {
      options.only = (argv[++i] ?? '').split(',');
      const unknown = options.only.filter((name) => !SCENARIOS.some((s) => s.name === name));
      if (unknown.length) throw new Error(`--only: no scenario ${unknown.join(', ')}\n${USAGE}`);
    } else throw new Error(`unknown or incomplete argument: ${arg}\n${USAGE}`);
  }
  return options;
}

const log = (message: string): void => console.error(`[bench] ${message}`);
const cleanUp = cleanUpOnSignals('the fleet and the private platform', log);

interface Row {
  scenario: string;
  fault: string;
  fsync: Fsync;
  tally: Record<'client' | 'raw', CallerTally>;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = new Date();
  const work = await mkdtemp(join(tmpdir(), 'slm-fleet-bench-faults-'));
  const logDir = join(work, 'logs');
  await mkdir(logDir, { recursive: true });
  let succeeded = false;
  // Added first, so it runs last: after the platform is down (its PID files are in here).
  cleanUp.add(async () => {
    if (!succeeded || options.keepPlatform) log(`run directory kept: ${work} (process logs in ${logDir})`);
    else await rm(work, { recursive: true, force: true });
  });
  const platform = new Platform(repoRoot, join(work, 'platform'));
  cleanUp.add(async () => {
    if (options.keepPlatform) log(`platform left up: SLM_FLEET_RUN_DIR=${platform.runDir} scripts/platform env|down`);
    else await platform.down(120_000);
  });
  log(`private platform in ${platform.runDir}`);
  await bringUp(platform, repoRoot);

  const rows: Row[] = [];
  for (const fsync of ['everysec', 'always'] as const) {
    const wanted = SCENARIOS.filter(
      (s) => options.only.includes(s.name) && (fsync === 'everysec' || FSYNC_ALWAYS_SCENARIOS.includes(s.name)),
    );
    if (wanted.length) rows.push(...(await runScenarios(wanted, fsync, platform, logDir, options)));
  }

  console.log(
    `\nfaults under ${options.rate} calls/s, deadline ${options.deadlineMs} ms; half the calls through @slm-fleet/client, half raw grpc-js (no retries)`,
  );
  printTally(rows);
  const resultsDir = join(repoRoot, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `faults-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, loadAverageAtStart: loadavg().map((l) => round(l, 2)), node: process.version };
  const command = `npm run bench:faults -- ${process.argv.slice(2).join(' ')}`.trim();
  await writeFile(
    file,
    JSON.stringify({ benchmark: 'faults', date: started.toISOString(), command, machine, options, rows }, null, 2),
  );
  log(`results written to ${file}`);
  succeeded = true;
}

async function runScenarios(
  scenarios: Scenario[],
  fsync: Fsync,
  platform: Platform,
  logDir: string,
  options: Options,
): Promise<Row[]> {
  const redis = await KillableRedis.start(await freePort(), fsync);
  cleanUp.add(() => redis.stop());
  const fleet = new Fleet({
    repoRoot,
    onUnexpectedExit: (exit) =>
      log(`${exit.name} exited unexpectedly (${exit.signal ?? exit.code}); see ${exit.logFile}`),
    logDir,
    redisUrl: redis.url,
    kubeconfig: platform.kubeconfig,
    namespace: NAMESPACE,
  });
  cleanUp.add(() => fleet.stopAll());
  const ports = { grpc: await freePort(), http: await freePort() };
  const faultFleet = await FaultFleet.start(fleet, redis, ports, BASE_WORKERS);
  const load = new LoadGenerator(ports.grpc, {
    task: TASK,
    ratePerSecond: options.rate,
    deadlineMs: options.deadlineMs,
    hangGraceMs: 5_000,
  });
  const rows: Row[] = [];
  try {
    await waitForFirstAnswer(load);
    for (const scenario of scenarios) {
      log(`${scenario.name} (appendfsync ${fsync}): ${scenario.fault}`);
      await scenario.prepare?.(faultFleet);
      load.start(`${fsync}-${scenario.name}`);
      await sleep(WARM_MS);
      await scenario.inject(faultFleet);
      await sleep(options.afterFaultMs);
      const records = await load.stop();
      rows.push({
        scenario: scenario.name,
        fault: scenario.fault,
        fsync,
        tally: tally(records, faultFleet.tap.starts),
      });
      await scenario.restore?.(faultFleet);
    }
  } finally {
    load.close();
    await faultFleet.stop();
    await redis.stop();
  }
  return rows;
}

/** Until the router has read its routes from the API server and a call comes back. */
async function waitForFirstAnswer(load: LoadGenerator): Promise<void> {
  await waitFor(
    'a first answer through the fleet',
    60_000,
    async () => {
      load.start('warm-up');
      await sleep(200);
      const records = await load.stop();
      return records.some((r) => r.outcome === 'ok') ? true : undefined;
    },
    500,
  );
}

runThenCleanUp(main, cleanUp);
