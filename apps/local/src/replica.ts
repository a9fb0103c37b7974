import { randomBytes } from 'node:crypto';
import type { Specialist } from '@slm-fleet/api';
import { startChildService, stopChildService, type ChildService } from './child-service.js';
import { planEngine, type LargeModelSettings } from './large-model.js';
import { RUN_ENV, type RunRecord } from './run-record.js';

/** Local mode's settings for every replica it starts. */
export interface ReplicaSettings {
  /** The slm-fleet executable (this process's own). */
  cliPath: string;
  /** Reaches the workers through their environment (REDIS_URL), never their command line: it may hold a password. */
  redisUrl: string;
  queuePrefix: string;
  /** An OpenAI-compatible engine for every Specialist but the openai ones (Ollama, llama.cpp, vLLM); else the simulator. */
  engineUrl?: string;
  /** How openai Specialists are served: a large-model simulator, or --llm-url with its key. */
  largeModel: LargeModelSettings;
  /** The variable the user's key came from: no child inherits it. */
  llmApiKeyEnv: string;
  /** This run: its id marks every child, its record lists them. */
  run: RunRecord;
}

/** What a replica's worker says of itself: ready, draining, not ready (yet), or no answer. */
export type Probe = 'ready' | 'draining' | 'unready' | 'unknown';

/** A replica as the fleet sees it (a fake one in unit tests). */
export interface ReplicaHandle {
  readonly name: string;
  /** Its worker or its engine has exited. */
  readonly exited: boolean;
  /** Resolves once its worker or its engine exits. */
  readonly whenExited: Promise<void>;
  /** Asks its worker's /readyz. */
  probe: () => Promise<Probe>;
  /** Drains its worker, then stops both; ends what is left of one that has exited. */
  stop: () => Promise<void>;
  /** A few words on how it ended, for the log. */
  describeExit: () => string;
  /** Its processes and ports, for the log (tests find them there). */
  logFields: () => Record<string, number | undefined>;
}

/** Annotation with extra `slm-fleet engine-sim` flags for a Specialist's simulated replicas. */
const SIMULATOR_ARGS_ANNOTATION = 'local.slm.dev/simulator-args';
/** Long enough for a demo call to finish; a replica leaving hands the rest back to the queue. */
const DRAIN_TIMEOUT = '30s';
const STOP_GRACE_MS = 40_000;
/** A loaded machine may answer slowly; an answer-less probe changes nothing on its own. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * One replica in local mode: a worker process beside an engine, as a pod has them. The engine
 * is the simulator, unless local mode was given an OpenAI-compatible URL: --engine-url for the
 * specialists, --llm-url for the openai Specialists (large-model.ts plans which).
 */
export class Replica implements ReplicaHandle {
  readonly whenExited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly worker: ChildService,
    private readonly engine: ChildService | undefined,
  ) {
    this.whenExited = Promise.race([worker.exited, ...(engine ? [engine.exited] : [])]).then(() => undefined);
  }

  /** Starts a replica named `name` (the Specialist's name, the run id and an index). */
  static async start(specialist: Specialist, name: string, settings: ReplicaSettings): Promise<Replica> {
    const { namespace } = specialist.metadata;
    const { run, cliPath } = settings;
    const plan = planEngine(specialist, {
      ...(settings.engineUrl ? { engineUrl: settings.engineUrl } : {}),
      largeModel: settings.largeModel,
      llmApiKeyEnv: settings.llmApiKeyEnv,
      simulatorExtraArgs:
        specialist.metadata.annotations?.[SIMULATOR_ARGS_ANNOTATION]?.split(/\s+/).filter(Boolean) ?? [],
      simulatorKey: randomBytes(24).toString('hex'),
    });
    const marker = `${RUN_ENV}=${run.runId}`;
    const simulatorArgs = plan.simulatorArgs;
    const engine = simulatorArgs
      ? await startChildService(`${name}/engine-sim`, cliPath, simulatorArgs, {
          env: { ...plan.simulatorEnv, [RUN_ENV]: run.runId, REDIS_URL: undefined },
          spawned: (child) => run.track(child, 'engine', name, [cliPath, 'engine-sim'], marker),
        })
      : undefined;
    const engineUrl = plan.engineUrl ?? `http://127.0.0.1:${engine?.port ?? 0}/v1`;
    try {
      const worker = await startChildService(
        `${name}/worker`,
        cliPath,
        [
          'worker',
          '--specialist',
          `${namespace}/${specialist.metadata.name}`,
          '--engine-url',
          engineUrl,
          '--model',
          plan.model,
          '--concurrency',
          String(specialist.spec.engine.maxConcurrency),
          ...plan.workerArgs,
          '--replica',
          name,
          '--queue-prefix',
          settings.queuePrefix,
          '--drain-timeout',
          DRAIN_TIMEOUT,
        ],
        {
          // The worker reads --redis-url from REDIS_URL when the flag is not given. A drain token
          // exported for a cluster's workers would make it refuse local mode's own GET /drain,
          // which is on loopback and sends none: local workers take loopback callers. An API key
          // goes in the environment only (plan.workerEnv): argv shows in ps.
          env: {
            ...plan.workerEnv,
            [RUN_ENV]: run.runId,
            REDIS_URL: settings.redisUrl,
            SLM_FLEET_DRAIN_TOKEN: undefined,
          },
          spawned: (child) => run.track(child, 'worker', name, [cliPath, 'worker', `--replica ${name}`], marker),
        },
      );
      return new Replica(name, worker, engine);
    } catch (error) {
      if (engine) await stopChildService(engine, STOP_GRACE_MS);
      throw error;
    }
  }

  get exited(): boolean {
    return [this.worker, this.engine].some((s) => s && (s.child.exitCode !== null || s.child.signalCode !== null));
  }

  /**
   * Its worker's /readyz: 200 is ready; a 503 whose checks say `shutdown: draining` is a worker
   * that drains (`GET /drain`, libs/service's Readiness) and takes no more calls.
   */
  async probe(): Promise<Probe> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.worker.port}/readyz`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const body = (await response.json().catch(() => undefined)) as { checks?: Record<string, string> } | undefined;
      if (response.ok) return 'ready';
      return body?.checks?.['shutdown'] === 'draining' ? 'draining' : 'unready';
    } catch {
      return 'unknown';
    }
  }

  /** As the kubelet stops a pod: the worker drains (GET /drain), then it and the engine stop. */
  async stop(): Promise<void> {
    if (this.worker.child.exitCode === null && this.worker.child.signalCode === null) {
      try {
        await fetch(`http://127.0.0.1:${this.worker.port}/drain`, { signal: AbortSignal.timeout(STOP_GRACE_MS) });
      } catch {
        // already gone, or the drain outlasted the grace: SIGTERM hands the rest back
      }
    }
    await stopChildService(this.worker, STOP_GRACE_MS);
    if (this.engine) await stopChildService(this.engine, STOP_GRACE_MS);
  }

  describeExit(): string {
    return [this.worker, this.engine]
      .filter((s): s is ChildService => s !== undefined)
      .map((s) => `${s.name}: ${s.child.exitCode ?? s.child.signalCode ?? 'running'}`)
      .join(', ');
  }

  logFields(): Record<string, number | undefined> {
    return { workerPid: this.worker.child.pid, workerPort: this.worker.port, enginePid: this.engine?.child.pid };
  }
}
