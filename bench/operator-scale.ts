// The operator scale benchmark: how long the real operator takes to bring N Specialists (one
// 1-GPU replica each) to Ready, against the same run's baseline of N plain Deployments on the
// bare platform; the operator's memory, CPU, reconciles and API requests on the way.
//
//   npm run bench:operator [-- --specialists 500] [--l4-nodes 70] [--timeout 1800] [--keep-platform]
//
// It brings up a private platform (its own SLM_FLEET_RUN_DIR under the temp directory, its own
// ports) and stops it at the end, on failure and on Ctrl-C too. Results: stdout and
// bench/results/operator-scale.json. See bench/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KubeHttp, TABLE, readyRows } from './lib/kube-http.js';
import { Platform } from './lib/platform.js';
import { cpuDiff, cpuOf, cpuSeconds, round, statusMiB } from './lib/proc.js';
import { histogramQuantile, parseMetrics, sumOf, type Sample } from './lib/prometheus.js';
import {
  addCounts,
  diffCounts,
  isResourceKey,
  metricKey,
  resourceOnly,
  sumCounts,
  type Counts,
} from './lib/request-key.js';
import { sleep, waitFor } from './lib/run.js';
import { cleanUpOnSignals, runThenCleanUp } from './lib/clean-up.js';

/** bench/dist/operator-scale.js -> the repository. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const BASELINE_NS = 'bench-baseline';
const OPERATOR_NS = 'bench';
const GPU_PRODUCT = 'NVIDIA-L4';

interface Options {
  specialists: number;
  l4Nodes: number;
  /** Bound of each wait for all-ready (baseline and operator run), seconds. */
  timeoutSeconds: number;
  /** The operator's resyncSeconds: long by default, so the run measures convergence, not resyncs. */
  resyncSeconds: number;
  keepPlatform: boolean;
}

const USAGE = `usage: npm run bench:operator [-- options]
  --specialists N     Specialists (and baseline Deployments) to apply      env BENCH_SPECIALISTS   default 500
  --l4-nodes N        8-GPU L4 kwok nodes    env BENCH_L4_NODES   default ceil(N/8) + ceil(N/80) (70 for 500)
  --timeout SECONDS   bound of each all-ready wait   env BENCH_TIMEOUT_SECONDS   default max(600, 2 s per Specialist)
  --resync SECONDS    the operator's resyncSeconds   env BENCH_RESYNC_SECONDS    default 3600
  --keep-platform     leave the private platform up (prints how to reach it; stop it yourself)`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  let keepPlatform = env['BENCH_KEEP_PLATFORM'] === '1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--keep-platform') keepPlatform = true;
    else if (['--specialists', '--l4-nodes', '--timeout', '--resync'].includes(arg) && argv[i + 1] !== undefined) {
      flags.set(arg, argv[++i] ?? '');
    } else {
      throw new Error(`unknown or incomplete argument: ${arg}\n${USAGE}`);
    }
  }
  const whole = (flag: string, envName: string, fallback: number, min: number): number => {
    const raw = flags.get(flag) ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${flag} (${envName}) must be a whole number >= ${min}, got '${raw}'`);
    return n;
  };
  const specialists = whole('--specialists', 'BENCH_SPECIALISTS', 500, 1);
  const l4Nodes = whole('--l4-nodes', 'BENCH_L4_NODES', Math.ceil(specialists / 8) + Math.ceil(specialists / 80), 1);
  if (l4Nodes * 8 < specialists)
    throw new Error(`${l4Nodes} L4 nodes hold ${l4Nodes * 8} GPUs, fewer than ${specialists} pods`);
  return {
    specialists,
    l4Nodes,
    timeoutSeconds: whole('--timeout', 'BENCH_TIMEOUT_SECONDS', Math.max(600, 2 * specialists), 10),
    resyncSeconds: whole('--resync', 'BENCH_RESYNC_SECONDS', 3600, 1),
    keepPlatform,
  };
}

// ---------------------------------------------------------------------------------------------
// Manifests: one multi-document YAML each, applied with one `kubectl apply --server-side`.

const names = (n: number, prefix: string): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(String(n - 1).length, '0')}`);

function specialistsYaml(n: number): string {
  return names(n, 's')
    .map(
      (name, i) => `apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}, namespace: ${OPERATOR_NS}}
spec:
  model: {uri: hf://Qwen/Qwen2.5-3B-Instruct}
  engine: {kind: vllm}
  resources: {gpu: {count: 1, profiles: [nvidia-l4]}}
  tasks: [t-${i}]
  scaling: {minReplicas: 1, maxReplicas: 1}
`,
    )
    .join('---\n');
}

/** What the operator's Deployments ask of the scheduler (one GPU, the L4 profile's affinity and toleration), bare. */
function deploymentsYaml(n: number): string {
  return names(n, 'd')
    .map(
      (name) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${BASELINE_NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: [{matchExpressions: [{key: nvidia.com/gpu.product, operator: In, values: [${GPU_PRODUCT}]}]}]
      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      containers:
      - name: engine
        image: registry.invalid/vllm:bench
        resources: {limits: {nvidia.com/gpu: 1}}
`,
    )
    .join('---\n');
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface Listed<S> {
  items: { metadata: { generation?: number }; spec?: { replicas?: number }; status?: S }[];
}
type DeploymentStatus = { observedGeneration?: number; readyReplicas?: number; updatedReplicas?: number };

interface Tick {
  /** Seconds since the apply started. */
  t: number;
  ready: number;
  podsReady: number;
  /** Operator run: Specialists with any status yet (reconciled at least once). */
  reconciled?: number;
  /** Operator run: the Specialists' Deployments that are ready (before the operator reports it). */
  deploymentsReady?: number;
}

interface ReadyRun {
  applySeconds: number;
  readySeconds: number;
  /** Seconds until half, 90 % and all of the objects were ready, and until all pods were. */
  milestones: Record<string, number | undefined>;
  timeline: Tick[];
}

const since = (start: number): number => round((performance.now() - start) / 1000, 2);
const firstAt = (timeline: Tick[], pick: (t: Tick) => number | undefined, n: number): number | undefined =>
  timeline.find((tick) => (pick(tick) ?? 0) >= n)?.t;

/**
 * Starts one `kubectl apply --server-side` of `file` and polls once a second (the objects, and
 * the namespace's pods as a Table) until `count` says all `n` are ready.
 */
async function applyAndWait(
  what: string,
  platform: Platform,
  http: KubeHttp,
  file: string,
  namespace: string,
  n: number,
  timeoutMs: number,
  count: () => Promise<Omit<Tick, 't' | 'podsReady'>>,
): Promise<ReadyRun> {
  const start = performance.now();
  let applySeconds: number | undefined;
  let applyError: unknown;
  const apply = platform
    .kubectl(['apply', '--server-side', '-f', file], { timeoutMs })
    .then(() => (applySeconds = since(start)))
    .catch((error: unknown) => (applyError = error));
  const timeline: Tick[] = [];
  let lastReport = 0;
  try {
    const readySeconds = await waitFor(`${what}: all ${n} ready`, timeoutMs, async () => {
      if (applyError) throw applyError;
      const [counted, pods] = await Promise.all([
        count(),
        http.get(`/api/v1/namespaces/${namespace}/pods?includeObject=None`, TABLE),
      ]);
      const tick: Tick = { t: since(start), podsReady: readyRows(pods).ready, ...counted };
      timeline.push(tick);
      if (tick.t - lastReport >= 15) {
        lastReport = tick.t;
        const reconciled = tick.reconciled === undefined ? '' : `, ${tick.reconciled} with status`;
        log(`${what}: ${tick.t.toFixed(0)}s: ${tick.ready}/${n} ready, ${tick.podsReady} pods ready${reconciled}`);
      }
      return tick.ready >= n && applySeconds !== undefined ? tick.t : undefined;
    });
    return {
      applySeconds: applySeconds ?? readySeconds,
      readySeconds,
      milestones: {
        half: firstAt(timeline, (t) => t.ready, n / 2),
        ninetyPercent: firstAt(timeline, (t) => t.ready, 0.9 * n),
        all: readySeconds,
        allPodsReady: firstAt(timeline, (t) => t.podsReady, n),
        ...(timeline[0]?.reconciled === undefined
          ? {}
          : {
              allReconciled: firstAt(timeline, (t) => t.reconciled, n),
              allDeploymentsReady: firstAt(timeline, (t) => t.deploymentsReady, n),
            }),
      },
      timeline,
    };
  } catch (error) {
    const last = timeline.at(-1);
    const state = last ? ` (last: ${last.ready}/${n} ready, ${last.podsReady} pods ready at ${last.t}s)` : '';
    throw new Error(`${(error as Error).message}${state}`);
  } finally {
    await apply;
  }
}

interface ApiserverSnapshot {
  counts: Counts;
  errors: Counts;
  bench: Counts;
  /** Per component (kube-controller-manager, kube-scheduler): seconds its API clients waited on their own rate limiter. */
  throttle: Counts;
  /** kube-controller-manager's work queues: seconds items waited, and items, by queue name. */
  queueSeconds: Counts;
  queueItems: Counts;
}

/** Component name -> loopback port of the components whose /metrics are read. */
let componentPorts: Record<string, number> = {};

/** apiserver_request_total by request key (and the non-2xx ones), plus what this benchmark has sent so far. */
async function apiserverSnapshot(http: KubeHttp, components = true): Promise<ApiserverSnapshot> {
  const counts: Counts = {};
  const errors: Counts = {};
  for (const s of parseMetrics(await http.get('/metrics', 'text/plain'))) {
    if (s.name !== 'apiserver_request_total') continue;
    const key = metricKey(s.labels);
    addCounts(counts, key, s.value);
    if (Number(s.labels['code']) >= 400) addCounts(errors, `${key} ${s.labels['code']}`, s.value);
  }
  const throttle: Counts = {};
  const queueSeconds: Counts = {};
  const queueItems: Counts = {};
  for (const [component, port] of Object.entries(components ? componentPorts : {})) {
    try {
      const samples = parseMetrics(await http.componentMetrics(port));
      throttle[component] = sumOf(samples, 'rest_client_rate_limiter_duration_seconds_sum');
      if (component !== 'controller-manager') continue;
      for (const q of samples) {
        const queue = q.labels['name'] ?? '';
        if (q.name === 'workqueue_queue_duration_seconds_sum') addCounts(queueSeconds, queue, q.value);
        if (q.name === 'workqueue_queue_duration_seconds_count') addCounts(queueItems, queue, q.value);
      }
    } catch (error) {
      log(`cannot read ${component} /metrics: ${(error as Error).message}`);
    }
  }
  return { counts, errors, bench: { ...http.sent }, throttle, queueSeconds, queueItems };
}

interface ControlPlane {
  /** Seconds the component's API clients spent waiting on their client-side rate limiter (summed over requests). */
  clientThrottleSeconds: Counts;
  /** kube-controller-manager's busiest work queues: items, and seconds they waited before a worker took them. */
  controllerQueues: { queue: string; items: number; waitSeconds: number; meanWaitSeconds: number }[];
}

function controlPlaneOf(before: ApiserverSnapshot, after: ApiserverSnapshot): ControlPlane {
  const clientThrottleSeconds: Counts = {};
  for (const [name, seconds] of Object.entries(after.throttle)) {
    clientThrottleSeconds[name] = round(seconds - (before.throttle[name] ?? 0), 1);
  }
  const waited = diffCounts(after.queueSeconds, before.queueSeconds);
  const items = diffCounts(after.queueItems, before.queueItems);
  const controllerQueues = Object.entries(waited)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([queue, seconds]) => ({
      queue,
      items: items[queue] ?? 0,
      waitSeconds: round(seconds, 1),
      meanWaitSeconds: round(seconds / Math.max(items[queue] ?? 0, 1), 2),
    }));
  return { clientThrottleSeconds, controllerQueues };
}

interface Window {
  /** Resource requests the API server answered in the window (discovery, /metrics and other non-resource paths left out). */
  total: number;
  byKey: Counts;
  /** Of those, sent by this benchmark's own polls. */
  bench: number;
  errors: Counts;
}

function windowOf(before: ApiserverSnapshot, after: ApiserverSnapshot): Window {
  const byKey = resourceOnly(diffCounts(after.counts, before.counts));
  return {
    total: sumCounts(byKey),
    byKey,
    bench: sumCounts(diffCounts(after.bench, before.bench), isResourceKey),
    errors: diffCounts(after.errors, before.errors),
  };
}

/**
 * Until the API server has answered no resource request for 5 s other than Lease renewals (kwok's
 * node heartbeats, leader election), so one phase's stragglers do not land in the next window.
 */
async function waitForQuiet(http: KubeHttp, timeoutMs: number): Promise<boolean> {
  const busy = async (): Promise<number> =>
    sumCounts((await apiserverSnapshot(http, false)).counts, (key) => isResourceKey(key) && !key.endsWith('/leases'));
  let last = -1;
  let quietSince = performance.now();
  try {
    await waitFor('the platform to go quiet', timeoutMs, async () => {
      const now = await busy();
      if (now !== last) [last, quietSince] = [now, performance.now()];
      return performance.now() - quietSince >= 5000 ? true : undefined;
    });
    return true;
  } catch {
    log(`the platform was still busy after ${timeoutMs / 1000}s; measuring anyway`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The operator as a child process.

interface OperatorProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  exited: Promise<number | null>;
  levels: Counts;
  /** The last warning or error the operator logged, for a failure message. */
  lastProblem?: string;
  metrics: () => Promise<Sample[]>;
}

async function startOperator(
  platform: Platform,
  configPath: string,
  requestsFile: string,
  logFile: WriteStream,
): Promise<OperatorProcess> {
  const preload = new URL('./lib/count-requests.js', import.meta.url).href;
  const bin = join(repoRoot, 'apps', 'cli', 'bin', 'slm-fleet.js');
  const args = ['--import', preload, bin, 'operator', '--http-port', '0'];
  const child = spawn(process.execPath, [...args, '--kubeconfig', platform.kubeconfig, '--config', configPath], {
    cwd: repoRoot,
    env: { ...process.env, KUBECONFIG: platform.kubeconfig, SLM_FLEET_BENCH_REQUESTS_FILE: requestsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const levels: Counts = {};
  const state: { lastProblem?: string } = {};
  child.stderr?.on('data', (chunk: Buffer) => logFile.write(chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('operator did not log "listening" within 120s')), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logFile.write(`${line}\n`);
      try {
        const entry = JSON.parse(line) as { level?: string; message?: { msg?: string; port?: number } };
        addCounts(levels, entry.level ?? 'unknown');
        if (entry.level === 'warn' || entry.level === 'error') state.lastProblem = line.slice(0, 600);
        if (entry.message?.msg === 'listening' && entry.message.port) {
          clearTimeout(timer);
          resolve(entry.message.port);
        }
      } catch {
        addCounts(levels, 'not-json');
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`operator exited with ${code} during start-up; see ${logFile.path as string}`));
    });
  });
  const metrics = async (): Promise<Sample[]> => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(30_000) });
    return parseMetrics(await res.text());
  };
  return {
    child,
    pid: child.pid ?? 0,
    port,
    exited,
    levels,
    metrics,
    get lastProblem() {
      return state.lastProblem;
    },
  };
}

/** SIGTERM (graceful: releases the lease, closes watches), SIGKILL after 30 s. */
async function stopOperator(operator: OperatorProcess): Promise<number | null> {
  if (operator.child.exitCode !== null || operator.child.signalCode !== null) return operator.exited;
  operator.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    log('operator did not stop within 30s of SIGTERM; killing it');
    operator.child.kill('SIGKILL');
  }, 30_000);
  const code = await operator.exited;
  clearTimeout(timer);
  return code;
}

const RECONCILES = 'slm_fleet_operator_reconcile_total';
const DURATION = 'slm_fleet_operator_reconcile_duration_seconds';

/** Until the work queues are empty and no reconcile finished for 5 s; false if that never happens in `timeoutMs`. */
async function settle(operator: OperatorProcess, timeoutMs: number): Promise<boolean> {
  let last = -1;
  let quietSince = performance.now();
  try {
    await waitFor('operator to settle', timeoutMs, async () => {
      const samples = await operator.metrics();
      const total = sumOf(samples, RECONCILES);
      if (total !== last || sumOf(samples, 'slm_fleet_operator_workqueue_depth') > 0) {
        last = total;
        quietSince = performance.now();
      }
      return performance.now() - quietSince >= 5000 ? true : undefined;
    });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

const log = (message: string): void => console.error(`[bench] ${message}`);
const cleanUp = cleanUpOnSignals('the operator and the private platform', log);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const n = options.specialists;
  const timeoutMs = options.timeoutSeconds * 1000;
  const work = await mkdtemp(join(tmpdir(), 'slm-fleet-bench-'));
  const platform = new Platform(repoRoot, join(work, 'platform'));
  let succeeded = false;
  cleanUp.add(async () => {
    if (!succeeded || options.keepPlatform) {
      log(
        `run directory kept: ${work} (platform logs in ${platform.runDir}/logs, operator log in ${work}/operator.log)`,
      );
      return;
    }
    await rm(work, { recursive: true, force: true });
  });
  const machine = {
    cpus: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    node: process.version,
  };
  log(`${n} Specialists on ${options.l4Nodes} L4 nodes; private platform in ${platform.runDir}`);

  cleanUp.add(async () => {
    if (options.keepPlatform) {
      log(`platform left up: SLM_FLEET_RUN_DIR=${platform.runDir} scripts/platform env|down`);
      return;
    }
    log('stopping the private platform');
    await platform.down(120_000);
  });
  const upStart = performance.now();
  await platform.up({ l4: options.l4Nodes, h100: 0, cpu: 1 }, 30 * 60_000);
  const platformUpSeconds = since(upStart);
  await platform.kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(repoRoot, 'crds')]);
  await platform.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=120s',
    'crd/specialists.slm.dev',
    'crd/agenttasks.slm.dev',
  ]);
  const http = new KubeHttp(await platform.kubectl(['config', 'view', '--raw', '--minify', '-o', 'json']));
  cleanUp.add(async () => http.close());
  const pids = await platform.pids();
  componentPorts = {
    'controller-manager': await platform.port('controller-manager'),
    scheduler: await platform.port('scheduler'),
  };

  // --- Baseline: the bare platform brings N plain Deployments to ready; no operator.
  log(`baseline: ${n} plain Deployments in namespace ${BASELINE_NS}`);
  await platform.kubectl(['create', 'namespace', BASELINE_NS]);
  const deploymentsFile = join(work, 'deployments.yaml');
  await writeFile(deploymentsFile, deploymentsYaml(n));
  const quietBeforeBaseline = await waitForQuiet(http, 180_000);
  const baseBefore = await apiserverSnapshot(http);
  const baseCpuBefore = cpuOf(pids);
  const baseline = await applyAndWait(
    'baseline',
    platform,
    http,
    deploymentsFile,
    BASELINE_NS,
    n,
    timeoutMs,
    async () => {
      const list = await http.getJson<Listed<DeploymentStatus>>(`/apis/apps/v1/namespaces/${BASELINE_NS}/deployments`);
      const ready = list.items.filter((d) => {
        const want = d.spec?.replicas ?? 1;
        const s = d.status ?? {};
        return (
          (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
          (s.readyReplicas ?? 0) >= want &&
          (s.updatedReplicas ?? 0) >= want
        );
      }).length;
      return { ready };
    },
  );
  await sleep(5000); // the same 5 s of quiet the operator run waits for
  const baseAfter = await apiserverSnapshot(http);
  const baseWindow = windowOf(baseBefore, baseAfter);
  const baseCpu = cpuDiff(cpuOf(pids), baseCpuBefore);
  log(`baseline: all ${n} Deployments ready after ${baseline.readySeconds}s; deleting namespace ${BASELINE_NS}`);
  const deleteStart = performance.now();
  await platform.kubectl(['delete', 'namespace', BASELINE_NS, '--wait=true', `--timeout=${options.timeoutSeconds}s`], {
    timeoutMs: timeoutMs + 60_000,
  });
  const baselineDeleteSeconds = since(deleteStart);

  // --- The operator path: N Specialists, the real operator turning them into Deployments, Services, PDBs.
  await platform.kubectl(['create', 'namespace', OPERATOR_NS]);
  const configPath = join(work, 'operator.yaml');
  await writeFile(
    configPath,
    `namespaces: [${OPERATOR_NS}]
leaderElection: {namespace: ${OPERATOR_NS}, leaseName: slm-fleet-operator}
worker: {image: registry.invalid/slm-fleet:bench}
resyncSeconds: ${options.resyncSeconds}
`,
  );
  const specialistsFile = join(work, 'specialists.yaml');
  await writeFile(specialistsFile, specialistsYaml(n));
  const requestsFile = join(work, 'operator-requests.json');
  const logFile = createWriteStream(join(work, 'operator.log'));
  cleanUp.add(() => new Promise((resolve) => logFile.end(resolve)));

  // The garbage collector is still checking the baseline's deleted ReplicaSets for a while.
  const quietBeforeOperator = await waitForQuiet(http, 180_000);
  const opBefore = await apiserverSnapshot(http);
  const opCpuBefore = cpuOf(pids);
  const operator = await startOperator(platform, configPath, requestsFile, logFile);
  cleanUp.add(async () => void (await stopOperator(operator)));
  log(`operator: pid ${operator.pid}, metrics on 127.0.0.1:${operator.port}`);
  await waitFor('operator to lead', 120_000, async () =>
    sumOf(await operator.metrics(), 'slm_fleet_operator_leader') === 1 ? true : undefined,
  );
  const operatorStartCpu = cpuSeconds(operator.pid) ?? 0;
  const rss: [number, number][] = [];
  const rssStart = performance.now();
  const sampler = setInterval(() => {
    const mib = statusMiB(operator.pid, 'VmRSS');
    if (mib !== undefined) rss.push([since(rssStart), round(mib)]);
  }, 1000);
  cleanUp.add(async () => clearInterval(sampler));

  log(`operator run: ${n} Specialists in namespace ${OPERATOR_NS}`);
  const op = await applyAndWait('operator', platform, http, specialistsFile, OPERATOR_NS, n, timeoutMs, async () => {
    const list = await http.getJson<Listed<{ conditions?: Condition[] }>>(
      `/apis/slm.dev/v1alpha1/namespaces/${OPERATOR_NS}/specialists`,
    );
    const ready = list.items.filter((s) =>
      s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True' && c.reason === 'AllReplicasReady'),
    ).length;
    const deployments = readyRows(
      await http.get(`/apis/apps/v1/namespaces/${OPERATOR_NS}/deployments?includeObject=None`, TABLE),
    );
    return {
      ready,
      reconciled: list.items.filter((s) => s.status?.conditions?.length).length,
      deploymentsReady: deployments.ready,
    };
  }).catch(async (error: unknown) => {
    // Say what the operator last complained about, and how often it failed.
    const failed = await operator
      .metrics()
      .then((m) => sumOf(m, RECONCILES, (l) => l['result'] === 'error'))
      .catch(() => '?');
    const last = operator.lastProblem ?? 'none';
    throw new Error(`${(error as Error).message}\n  operator: ${failed} failed reconciles; last warning: ${last}`);
  });
  log(`operator: all ${n} Specialists ready after ${op.readySeconds}s; waiting for the operator to settle`);
  const settleStart = performance.now();
  const settled = await settle(operator, 180_000);
  const settleSeconds = since(settleStart);
  const final = await operator.metrics();
  const vmHwm = statusMiB(operator.pid, 'VmHWM');
  const operatorCpu = round((cpuSeconds(operator.pid) ?? 0) - operatorStartCpu, 2);
  clearInterval(sampler);
  const exitCode = await stopOperator(operator);
  const opAfter = await apiserverSnapshot(http);
  const opWindow = windowOf(opBefore, opAfter);
  const opCpu = cpuDiff(cpuOf(pids), opCpuBefore);
  let issued: Counts | undefined;
  try {
    issued = resourceOnly(JSON.parse(await readFile(requestsFile, 'utf8')) as Counts);
  } catch {
    log(`no request counts from the operator (${requestsFile}); did it exit cleanly?`);
  }

  // --- Figures.
  const reconciles = sumOf(final, RECONCILES);
  const byResult: Counts = {};
  for (const s of final)
    if (s.name === RECONCILES) addCounts(byResult, `${s.labels['controller']}/${s.labels['result']}`, s.value);
  const issuedTotal = issued ? sumCounts(issued) : undefined;
  const perKey = Object.keys({ ...opWindow.byKey, ...baseWindow.byKey, ...issued })
    .map((key) => ({
      key,
      operatorRun: opWindow.byKey[key] ?? 0,
      byOperator: issued?.[key] ?? 0,
      baselineRun: baseWindow.byKey[key] ?? 0,
    }))
    .sort((a, b) => b.operatorRun - a.operatorRun || b.byOperator - a.byOperator);
  const ratio = (a: number, b: number): number => round(a / b, 2);
  const results = {
    benchmark: 'operator-scale',
    date: new Date().toISOString(),
    command: `npm run bench:operator -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    specialists: n,
    nodes: { l4: options.l4Nodes, gpus: options.l4Nodes * 8, cpu: 1 },
    platformUpSeconds,
    ratios: {
      readyTime: ratio(op.readySeconds, baseline.readySeconds),
      apiserverRequests: ratio(opWindow.total - opWindow.bench, baseWindow.total - baseWindow.bench),
      apiserverCpu: ratio(opCpu['apiserver'] ?? 0, baseCpu['apiserver'] ?? 1),
    },
    baseline: {
      what: `${n} plain Deployments (1 replica, nvidia.com/gpu: 1, L4 affinity and toleration), no operator`,
      readySeconds: baseline.readySeconds,
      applySeconds: baseline.applySeconds,
      milestones: baseline.milestones,
      quietBefore: quietBeforeBaseline,
      deleteSeconds: baselineDeleteSeconds,
      cpuSeconds: baseCpu,
      controlPlane: controlPlaneOf(baseBefore, baseAfter),
      apiserver: baseWindow,
    },
    operator: {
      readySeconds: op.readySeconds,
      applySeconds: op.applySeconds,
      milestones: op.milestones,
      quietBefore: quietBeforeOperator,
      settled,
      settleSeconds,
      exitCode,
      reconciles: {
        total: reconciles,
        byResult,
        perSpecialist: round(reconciles / n, 2),
        durationSeconds: {
          p50: round(histogramQuantile(final, DURATION, 0.5) ?? NaN, 3),
          p99: round(histogramQuantile(final, DURATION, 0.99) ?? NaN, 3),
          mean: round(sumOf(final, `${DURATION}_sum`) / Math.max(sumOf(final, `${DURATION}_count`), 1), 3),
        },
        retries: sumOf(final, 'slm_fleet_operator_workqueue_retries_total'),
      },
      memoryMiB: {
        vmHwm: vmHwm === undefined ? undefined : round(vmHwm),
        rssPeakSampled: round(Math.max(...rss.map(([, mib]) => mib))),
        rssAtEnd: rss.at(-1)?.[1],
      },
      cpuSecondsOperator: operatorCpu,
      requests: {
        what: 'resource requests the operator sent (counted in its process), over its whole life',
        total: issuedTotal,
        perReconcile: issuedTotal === undefined ? undefined : round(issuedTotal / reconciles, 2),
        perSpecialist: issuedTotal === undefined ? undefined : round(issuedTotal / n, 2),
        byKey: issued,
      },
      apiserver: {
        ...opWindow,
        perReconcile: round((opWindow.total - opWindow.bench) / reconciles, 2),
        perSpecialist: round((opWindow.total - opWindow.bench) / n, 2),
      },
      cpuSeconds: opCpu,
      controlPlane: controlPlaneOf(opBefore, opAfter),
      logLevels: operator.levels,
      rssSamples: rss,
    },
    requestsByKey: perKey,
    timelines: { baseline: baseline.timeline, operator: op.timeline },
  };
  await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
  const out = join(repoRoot, 'bench', 'results', 'operator-scale.json');
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  printSummary(results, perKey);
  console.log(`\nwritten: ${out}`);
  if (!settled)
    throw new Error(
      `the operator did not settle within 180s of all Specialists being ready (reconciles still finishing)`,
    );
  if (exitCode !== 0)
    throw new Error(`the operator exited with ${exitCode} on SIGTERM (want 0); see ${work}/operator.log`);
  succeeded = true;
}

type Results = {
  specialists: number;
  ratios: Record<string, number>;
  baseline: {
    readySeconds: number;
    applySeconds: number;
    milestones: Record<string, number | undefined>;
    apiserver: Window;
    cpuSeconds: Record<string, number>;
    controlPlane: ControlPlane;
  };
  operator: {
    readySeconds: number;
    applySeconds: number;
    milestones: Record<string, number | undefined>;
    reconciles: { total: number; perSpecialist: number; durationSeconds: Record<string, number> };
    memoryMiB: Record<string, number | undefined>;
    cpuSecondsOperator: number;
    requests: { total: number | undefined; perReconcile: number | undefined; perSpecialist: number | undefined };
    apiserver: Window & { perReconcile: number; perSpecialist: number };
    cpuSeconds: Record<string, number>;
    controlPlane: ControlPlane;
  };
};

function printSummary(
  r: Results,
  perKey: { key: string; operatorRun: number; byOperator: number; baselineRun: number }[],
): void {
  const { baseline: b, operator: o } = r;
  const ms = (m: Record<string, number | undefined>): string =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v ?? '-'}s`)
      .join(', ');
  const cpu = (c: Record<string, number>): string =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const queues = (c: ControlPlane): string =>
    c.controllerQueues
      .slice(0, 4)
      .map((q) => `${q.queue} ${q.items} items, mean wait ${q.meanWaitSeconds}s`)
      .join('; ');
  console.log(`
operator-scale: ${r.specialists} Specialists (1 replica, 1 GPU each)
                              baseline (plain Deployments)   operator (Specialists)
  all ready after             ${String(b.readySeconds).padEnd(6)} s                       ${o.readySeconds} s      ratio ${r.ratios['readyTime']}
  kubectl apply took          ${String(b.applySeconds).padEnd(6)} s                       ${o.applySeconds} s
  API requests in the window  ${String(b.apiserver.total - b.apiserver.bench).padEnd(6)}                         ${o.apiserver.total - o.apiserver.bench}        ratio ${r.ratios['apiserverRequests']}  (not counting the benchmark's polls)
  baseline milestones: ${ms(b.milestones)}
  operator milestones: ${ms(o.milestones)}
  operator: ${o.reconciles.total} reconciles (${o.reconciles.perSpecialist} per Specialist), duration p50 ${o.reconciles.durationSeconds['p50']}s p99 ${o.reconciles.durationSeconds['p99']}s mean ${o.reconciles.durationSeconds['mean']}s
  operator: ${o.requests.total ?? '?'} API requests sent: ${o.requests.perReconcile ?? '?'} per reconcile, ${o.requests.perSpecialist ?? '?'} per Specialist
  operator: memory VmHWM ${o.memoryMiB['vmHwm'] ?? '?'} MiB, RSS peak (sampled 1/s) ${o.memoryMiB['rssPeakSampled']} MiB; CPU ${o.cpuSecondsOperator} s
  CPU seconds, baseline window: ${cpu(b.cpuSeconds)}
  CPU seconds, operator window: ${cpu(o.cpuSeconds)}
  client-side throttle waits (s), baseline window: ${cpu(b.controlPlane.clientThrottleSeconds)}
  client-side throttle waits (s), operator window: ${cpu(o.controlPlane.clientThrottleSeconds)}
  controller-manager queues, baseline window: ${queues(b.controlPlane)}
  controller-manager queues, operator window: ${queues(o.controlPlane)}

  API requests by verb and resource (top 20 of the operator run; resource requests only)
  ${'request'.padEnd(44)} ${'operator run'.padStart(12)} ${'by operator'.padStart(12)} ${'baseline run'.padStart(12)}`);
  for (const row of perKey.slice(0, 20)) {
    console.log(
      `  ${row.key.padEnd(44)} ${String(row.operatorRun).padStart(12)} ${String(row.byOperator).padStart(12)} ${String(row.baselineRun).padStart(12)}`,
    );
  }
}

runThenCleanUp(main, cleanUp);
