// kwok pods run no processes: a Specialist the operator scales has Running pods that do
// nothing. The pod runner plays the kubelet for them: for each Running pod of a Specialist in
// the suite's namespace it starts the real worker (`slm-fleet worker`) with the pod's
// configuration, beside an engine simulator (`slm-fleet engine-sim`) standing in for the
// engine container, and stops them, gracefully, when the pod terminates or goes away: as the
// kubelet does, the worker's preStop hook first (within the termination grace), then SIGTERM.
import { Informer } from '@slm-fleet/k8s';
import { spawnCli, type CliProcess, type ProcessExit } from './cli-process.js';
import { SPECIALIST_LABEL, WORKER_CONTAINER_NAME } from '@slm-fleet/workloads';
import { eventually } from './eventually.js';
import type { SuiteEnv } from './suite-env.js';

const PODS = { group: '', version: 'v1', plural: 'pods' };
/** What the kubelet waits for a container that ignores SIGTERM when the pod says nothing. */
const DEFAULT_GRACE_SECONDS = 30;

/** Engine simulator settings (durations in ms, or as the CLI takes them: '30ms', '2s'). */
export interface PodSimulatorSettings {
  ttft?: number | string;
  tpot?: number | string;
  outputTokens?: number;
  maxBatch?: number;
  batchSlowdown?: number;
  errorRate?: number;
  hangRate?: number;
  slowStart?: number | string;
  seed?: number;
  /** More `slm-fleet engine-sim` flags. */
  extraArgs?: string[];
}

export interface PodRunnerOptions {
  /** BullMQ prefix the workers use; default: the suite's redisPrefix without its trailing ':'. */
  queuePrefix?: string;
  /** Redis the workers use (pods name it through a Secret); default: the suite's redisUrl. */
  redisUrl?: string;
  /** Simulator settings for every pod. */
  simulator?: PodSimulatorSettings;
  /** Simulator settings per Specialist name (the pod label value), over `simulator`. */
  simulators?: Record<string, PodSimulatorSettings>;
  /** More `slm-fleet worker` flags for every pod (they win over the pod's configuration). */
  workerArgs?: string[];
  /** How long a worker may take from start to ready (/readyz answers 200). Default 60 s. */
  startTimeoutMs?: number;
}

/** A pod whose worker is ready (its /readyz answers 200: it takes calls). */
export interface RunningPod {
  pod: string;
  /** The Specialist's name (the pod's slm.dev/specialist label). */
  specialist: string;
  /** namespace/name, as the worker serves it. */
  specialistRef: string;
  queue: string | undefined;
  workerPid: number;
  /** The worker's HTTP port (/readyz, /metrics). */
  workerPort: number;
  simulatorPid: number;
  /** The simulator's OpenAI base URL, ending in /v1 (its /sim/stats and /sim/faults are beside). */
  engineUrl: string;
}

/**
 * Why a pod's processes were stopped: the pod started terminating, was deleted, was replaced
 * by one of the same name, the runner stopped, the worker exited unasked, its start failed,
 * or the pod went while its worker was still starting.
 */
export type StopReason =
  | 'pod-terminating'
  | 'pod-deleted'
  | 'pod-replaced'
  | 'runner-stopped'
  | 'worker-exited'
  | 'start-failed'
  | 'start-aborted';

/** What the worker's preStop httpGet got: the answer, or why there was none. */
export type PreStopResult = { status: number; body: string } | { error: string };

/** A pod whose processes the runner stopped (or whose worker exited by itself). */
export interface StoppedPod {
  pod: string;
  specialist: string;
  workerPid: number;
  reason: StopReason;
  /** Absent when the worker container has no preStop httpGet or its process was not running. */
  preStop?: PreStopResult;
  worker: ProcessExit;
  simulator: ProcessExit;
}

export interface PodRunner {
  /** Pods whose worker is ready, in start order. */
  running: () => RunningPod[];
  /**
   * Waits (with `eventually`) until exactly `count` workers are ready, of one Specialist
   * (its name or namespace/name) or all, and none of them is starting or stopping.
   */
  waitFor: (count: number, specialist?: string, options?: { timeoutMs?: number }) => Promise<RunningPod[]>;
  /** Pods whose processes were stopped, oldest first. */
  stopped: () => StoppedPod[];
  /** What went wrong: workers that failed to start or exited unasked. */
  failures: () => string[];
  /** The runner's own log and every process's output (of one pod, or all): for failure messages. */
  logs: (pod?: string) => string;
  /** Stops watching and stops every process gracefully. Idempotent. */
  stop: () => Promise<void>;
}

/** A pod as the watch delivers it (plain JSON), reduced to what the runner reads. */
interface PodObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: {
    containers?: {
      name: string;
      env?: { name: string; value?: string; valueFrom?: unknown }[];
      lifecycle?: { preStop?: { httpGet?: { path?: string; httpHeaders?: { name: string; value: string }[] } } };
    }[];
    terminationGracePeriodSeconds?: number;
  };
  status?: { phase?: string };
}

interface Entry {
  pod: string;
  uid: string;
  specialist: string;
  specialistRef: string;
  queue: string | undefined;
  state: 'starting' | 'ready' | 'stopping';
  graceMs: number;
  /** The worker container's preStop httpGet path, if it has one. */
  preStopPath: string | undefined;
  /** Its httpHeaders (the drain token's Authorization), sent as the kubelet sends them. */
  preStopHeaders: Record<string, string>;
  /** Aborts a start that is still waiting for readiness (the pod went meanwhile). */
  abort: AbortController;
  simulator?: CliProcess;
  worker?: CliProcess;
}

interface WorkerConfig {
  specialistRef: string;
  queue: string | undefined;
  concurrency: string | undefined;
  model: string | undefined;
  preStopPath: string | undefined;
  preStopHeaders: Record<string, string>;
  /** The container's other literal SLM_FLEET_* variables (the drain token too), passed on as they are. */
  env: Record<string, string>;
}

const duration = (value: number | string): string => (typeof value === 'number' ? `${value}ms` : value);

function simulatorArgs(settings: PodSimulatorSettings, model: string): string[] {
  const args = ['engine-sim', '--host', '127.0.0.1', '--http-port', '0', '--model', model];
  const flag = (
    name: string,
    value: number | string | undefined,
    format: (value: number | string) => string = String,
  ): void => {
    if (value !== undefined) args.push(`--${name}`, format(value));
  };
  flag('ttft', settings.ttft, duration);
  flag('tpot', settings.tpot, duration);
  flag('output-tokens', settings.outputTokens);
  flag('max-batch', settings.maxBatch);
  flag('batch-slowdown', settings.batchSlowdown);
  flag('error-rate', settings.errorRate);
  flag('hang-rate', settings.hangRate);
  flag('slow-start', settings.slowStart, duration);
  flag('seed', settings.seed);
  return [...args, ...(settings.extraArgs ?? [])];
}

/** Reads the worker container's configuration, as the operator renders it. */
function workerConfig(pod: PodObject, namespace: string, specialist: string): WorkerConfig {
  const container = pod.spec?.containers?.find((c) => c.name === WORKER_CONTAINER_NAME);
  if (!container) throw new Error(`pod ${pod.metadata?.name} has no "${WORKER_CONTAINER_NAME}" container`);
  const literal = new Map<string, string>();
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) literal.set(variable.name, variable.value);
  }
  const env: Record<string, string> = {};
  const own = ['SLM_FLEET_SPECIALIST', 'SLM_FLEET_QUEUE', 'SLM_FLEET_CONCURRENCY', 'SLM_FLEET_MODEL'];
  const replaced = ['SLM_FLEET_ENGINE_URL', 'SLM_FLEET_QUEUE_PREFIX'];
  for (const [name, value] of literal) {
    if (name.startsWith('SLM_FLEET_') && !own.includes(name) && !replaced.includes(name)) env[name] = value;
  }
  return {
    specialistRef: literal.get('SLM_FLEET_SPECIALIST') ?? `${namespace}/${specialist}`,
    queue: literal.get('SLM_FLEET_QUEUE'),
    concurrency: literal.get('SLM_FLEET_CONCURRENCY'),
    model: literal.get('SLM_FLEET_MODEL'),
    preStopPath: container.lifecycle?.preStop?.httpGet?.path,
    preStopHeaders: Object.fromEntries(
      (container.lifecycle?.preStop?.httpGet?.httpHeaders ?? []).map(({ name, value }) => [name, value]),
    ),
    env,
  };
}

/** This process's environment without what would configure a child behind the runner's back. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const configures =
      name.startsWith('SLM_FLEET_') || name === 'REDIS_URL' || name === 'REDIS_CLUSTER' || name === 'POD_NAME';
    if (!configures) env[name] = value;
  }
  return env;
}

/**
 * The kubelet's preStop httpGet, with the hook's headers: it waits for the answer as long as
 * the grace allows. The hook's port is the worker's HTTP server, its only one, so the worker's
 * real port stands in.
 */
async function runPreStop(
  worker: CliProcess,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PreStopResult> {
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await fetch(`http://127.0.0.1:${worker.port}${path}`, { headers, signal });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function waitUntilReady(worker: CliProcess, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (worker.exit) throw new Error(`${worker.name} exited (code ${worker.exit.code}, signal ${worker.exit.signal})`);
    if (signal.aborted) throw new Error(`${worker.name}: the pod went before the worker was ready`);
    if (Date.now() > deadline) throw new Error(`${worker.name} not ready after ${timeoutMs} ms`);
    try {
      const response = await fetch(`http://127.0.0.1:${worker.port}/readyz`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Watches the suite namespace's pods labelled slm.dev/specialist and runs a worker and an
 * engine simulator for each Running pod that is not terminating. Resolves once the initial
 * list is applied (the workers of pods already Running may still be starting: see waitFor).
 */
export async function startPodRunner(env: SuiteEnv, options: PodRunnerOptions = {}): Promise<PodRunner> {
  const queuePrefix = options.queuePrefix ?? env.queuePrefix;
  const redisUrl = options.redisUrl ?? env.redisUrl;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const chains = new Map<string, Promise<void>>();
  const stoppedPods: StoppedPod[] = [];
  const failureList: string[] = [];
  const runnerLog: string[] = [];
  const processes: { pod: string; process: CliProcess }[] = [];
  let stopping = false;

  const note = (line: string): void => {
    runnerLog.push(`${new Date().toISOString()} ${line}`);
  };
  const fail = (line: string): void => {
    failureList.push(line);
    note(`FAILURE ${line}`);
  };
  const logger = {
    log: (message: unknown) => note(`informer: ${JSON.stringify(message)}`),
    warn: (message: unknown) => note(`informer warning: ${JSON.stringify(message)}`),
    error: (message: unknown) => note(`informer error: ${JSON.stringify(message)}`),
  };
  const informer = new Informer<PodObject>({
    kubeConfig: env.kubeConfig,
    resource: PODS,
    namespaces: [env.namespace],
    labelSelector: SPECIALIST_LABEL,
    logger,
  });

  /** Runs `task` after the earlier tasks of the same pod: a pod's start and stop never overlap. */
  const serial = (pod: string, task: () => Promise<void>): Promise<void> => {
    const next = (chains.get(pod) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      fail(`pod ${pod}: ${error instanceof Error ? error.message : String(error)}`);
    });
    chains.set(pod, next);
    void next.then(() => {
      if (chains.get(pod) === next) chains.delete(pod);
    });
    return next;
  };

  const wanted = (pod: PodObject | undefined): boolean =>
    !stopping && pod?.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp;

  const stopEntry = async (entry: Entry, reason: StopReason): Promise<void> => {
    entry.state = 'stopping';
    entry.abort.abort();
    note(`pod ${entry.pod}: stopping (${reason})`);
    // One grace for the whole stop, preStop included; the kubelet adds 2 s if the hook used it up.
    const deadline = Date.now() + entry.graceMs;
    const remainingMs = (): number => Math.max(2_000, deadline - Date.now());
    let preStop: PreStopResult | undefined;
    if (entry.worker && !entry.worker.exit && entry.preStopPath !== undefined) {
      preStop = await runPreStop(entry.worker, entry.preStopPath, entry.preStopHeaders, entry.graceMs);
      note(`pod ${entry.pod}: preStop GET ${entry.preStopPath}: ${JSON.stringify(preStop)}`);
    }
    // The worker first (SIGTERM: it drains, unless its preStop did), then the engine it used:
    // the engine container's preStop waits for the same drain.
    const worker = (await entry.worker?.stop(remainingMs())) ?? { code: null, signal: null };
    const simulator = (await entry.simulator?.stop(remainingMs())) ?? { code: null, signal: null };
    entries.delete(entry.pod);
    stoppedPods.push({
      pod: entry.pod,
      specialist: entry.specialist,
      workerPid: entry.worker?.pid ?? 0,
      reason,
      ...(preStop ? { preStop } : {}),
      worker,
      simulator,
    });
    note(`pod ${entry.pod}: stopped (worker ${JSON.stringify(worker)}, simulator ${JSON.stringify(simulator)})`);
  };

  const startEntry = async (pod: PodObject, name: string, uid: string): Promise<void> => {
    const specialist = pod.metadata?.labels?.[SPECIALIST_LABEL] ?? '';
    const config = workerConfig(pod, env.namespace, specialist);
    const entry: Entry = {
      pod: name,
      uid,
      specialist,
      specialistRef: config.specialistRef,
      queue: config.queue,
      state: 'starting',
      graceMs: (pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000,
      preStopPath: config.preStopPath,
      preStopHeaders: config.preStopHeaders,
      abort: new AbortController(),
    };
    entries.set(name, entry);
    note(`pod ${name}: starting (specialist ${config.specialistRef})`);
    try {
      const model = config.model ?? 'sim-model';
      const settings = { ...options.simulator, ...options.simulators?.[specialist] };
      entry.simulator = await spawnCli(`engine-sim ${name}`, simulatorArgs(settings, model), baseEnv());
      processes.push({ pod: name, process: entry.simulator });
      const engineUrl = `http://127.0.0.1:${entry.simulator.port}/v1`;
      const args = ['worker', '--host', '127.0.0.1', '--http-port', '0'];
      args.push('--redis-url', redisUrl, '--queue-prefix', queuePrefix, '--specialist', config.specialistRef);
      if (config.queue !== undefined) args.push('--queue', config.queue);
      if (config.concurrency !== undefined) args.push('--concurrency', config.concurrency);
      args.push('--engine-url', engineUrl, '--model', model, '--replica', name, ...(options.workerArgs ?? []));
      entry.worker = await spawnCli(`worker ${name}`, args, { ...baseEnv(), ...config.env });
      processes.push({ pod: name, process: entry.worker });
      const worker = entry.worker;
      await waitUntilReady(worker, entry.abort.signal, startTimeoutMs);
      entry.state = 'ready';
      note(`pod ${name}: worker ready (pid ${worker.pid}, port ${worker.port}, engine ${engineUrl})`);
      // A worker that exits unasked (a crash) is a failure; the runner does not restart it.
      void worker.exited.then((exit) => {
        if (entry.state !== 'ready') return;
        void serial(name, async () => {
          if (entries.get(name) !== entry || entry.state !== 'ready') return;
          fail(`worker ${name} exited unasked (code ${exit.code}, signal ${exit.signal})`);
          await stopEntry(entry, 'worker-exited');
        });
      });
    } catch (error) {
      // Whatever did start is stopped. A pod that went while its worker started is no failure.
      const aborted = entry.abort.signal.aborted;
      await stopEntry(entry, aborted ? 'start-aborted' : 'start-failed');
      if (!aborted) throw error;
    }
  };

  /** Brings the pod's processes in line with the pod as the informer last saw it. */
  const sync = async (name: string): Promise<void> => {
    const pod = informer.get(`${env.namespace}/${name}`);
    const entry = entries.get(name);
    const want = wanted(pod);
    const uid = pod?.metadata?.uid ?? '';
    if (entry && (!want || entry.uid !== uid)) {
      const reason: StopReason = stopping
        ? 'runner-stopped'
        : !pod
          ? 'pod-deleted'
          : entry.uid !== uid
            ? 'pod-replaced'
            : 'pod-terminating';
      await stopEntry(entry, reason);
    }
    if (want && pod && !entries.has(name)) await startEntry(pod, name, uid);
  };

  informer.on(({ object }) => {
    const name = object.metadata?.name;
    if (!name) return;
    // A start still waiting for readiness is cut short when its pod goes.
    const entry = entries.get(name);
    const current = informer.get(`${env.namespace}/${name}`);
    if (entry?.state === 'starting' && (!wanted(current) || current?.metadata?.uid !== entry.uid)) {
      entry.abort.abort();
    }
    void serial(name, () => sync(name));
  });

  // Children must not outlive a test process that dies without stop().
  const killAll = (): void => {
    for (const { process: child } of processes) if (!child.exit) child.child.kill('SIGKILL');
  };
  process.on('exit', killAll);

  informer.start();
  await informer.waitForSync();

  const matches = (entry: Entry, specialist: string | undefined): boolean =>
    specialist === undefined || entry.specialist === specialist || entry.specialistRef === specialist;

  const running = (specialist?: string): RunningPod[] =>
    [...entries.values()]
      .filter((entry) => entry.state === 'ready' && matches(entry, specialist))
      .flatMap((entry) =>
        entry.worker && entry.simulator
          ? [
              {
                pod: entry.pod,
                specialist: entry.specialist,
                specialistRef: entry.specialistRef,
                queue: entry.queue,
                workerPid: entry.worker.pid,
                workerPort: entry.worker.port,
                simulatorPid: entry.simulator.pid,
                engineUrl: `http://127.0.0.1:${entry.simulator.port}/v1`,
              },
            ]
          : [],
      );

  const logs = (pod?: string, tail = Infinity): string => {
    const last = (lines: string[]): string => lines.slice(Math.max(0, lines.length - tail)).join('\n');
    const sections = [`--- pod runner (${env.namespace})\n${last(runnerLog)}`];
    for (const entry of processes) {
      if (pod === undefined || entry.pod === pod) {
        sections.push(`--- ${entry.process.name} (pid ${entry.process.pid})\n${last(entry.process.logs)}`);
      }
    }
    return sections.join('\n');
  };

  let stopped: Promise<void> | undefined;
  return {
    running: () => running(),
    waitFor: (count, specialist, waitOptions = {}) =>
      eventually(
        async () => {
          const matching = [...entries.values()].filter((entry) => matches(entry, specialist));
          const ready = running(specialist);
          const busy = matching.filter((entry) => entry.state !== 'ready');
          if (ready.length !== count || busy.length > 0) {
            const states = matching.map((entry) => `${entry.pod}: ${entry.state}`).join(', ') || 'none';
            throw new Error(
              `pod runner: want ${count} ready workers${specialist ? ` of ${specialist}` : ''}, have ${ready.length} ` +
                `(${states}); failures: ${failureList.join('; ') || 'none'}\n${logs(undefined, 20)}`,
            );
          }
          return ready;
        },
        { timeoutMs: waitOptions.timeoutMs ?? 90_000 },
      ),
    stopped: () => [...stoppedPods],
    failures: () => [...failureList],
    logs: (pod) => logs(pod),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        await informer.stop();
        for (const name of entries.keys()) void serial(name, () => sync(name));
        // Stops queued behind a start wait for it; loop until nothing is left.
        while (chains.size > 0) await Promise.all([...chains.values()]);
        process.off('exit', killAll);
      })();
      return stopped;
    },
  };
}
