import type { Specialist } from '@slm-fleet/api';
import { startChildService, stopChildService, type ChildService } from './child-service.js';

/** Local mode's settings for every replica it starts. */
export interface ReplicaSettings {
  /** The slm-fleet executable (this process's own). */
  cliPath: string;
  redisUrl: string;
  queuePrefix: string;
  /** An OpenAI-compatible engine for every Specialist (Ollama, llama.cpp, vLLM); else the simulator. */
  engineUrl?: string;
}

/** Annotation with extra `slm-fleet engine-sim` flags for a Specialist's simulated replicas. */
const SIMULATOR_ARGS_ANNOTATION = 'local.slm.dev/simulator-args';
/** Long enough for a demo call to finish; a replica leaving hands the rest back to the queue. */
const DRAIN_TIMEOUT = '30s';
const STOP_GRACE_MS = 40_000;

/**
 * One replica in local mode: a worker process beside an engine, as a pod has them. The engine
 * is the simulator, unless the Specialist points at an OpenAI-compatible URL (engine.kind
 * openai) or local mode was given one for all.
 */
export class Replica {
  private constructor(
    readonly name: string,
    readonly worker: ChildService,
    private readonly engine: ChildService | undefined,
  ) {}

  static async start(specialist: Specialist, index: number, settings: ReplicaSettings): Promise<Replica> {
    const { name, namespace } = specialist.metadata;
    const replica = `${name}-${index}`;
    const model = specialist.spec.model.servedName ?? name;
    const external = specialist.spec.engine.kind === 'openai' ? specialist.spec.engine.url : settings.engineUrl;
    const engine = external
      ? undefined
      : await startChildService(`${replica}/engine-sim`, settings.cliPath, [
          'engine-sim',
          '--model',
          model,
          '--max-batch',
          String(specialist.spec.engine.maxConcurrency),
          ...(specialist.metadata.annotations?.[SIMULATOR_ARGS_ANNOTATION]?.split(/\s+/).filter(Boolean) ?? []),
        ]);
    const engineUrl = external ?? `http://127.0.0.1:${engine?.port ?? 0}/v1`;
    try {
      const worker = await startChildService(`${replica}/worker`, settings.cliPath, [
        'worker',
        '--specialist',
        `${namespace}/${name}`,
        '--engine-url',
        engineUrl,
        '--model',
        model,
        '--concurrency',
        String(specialist.spec.engine.maxConcurrency),
        '--replica',
        replica,
        '--redis-url',
        settings.redisUrl,
        '--queue-prefix',
        settings.queuePrefix,
        '--drain-timeout',
        DRAIN_TIMEOUT,
      ]);
      return new Replica(replica, worker, engine);
    } catch (error) {
      if (engine) await stopChildService(engine, STOP_GRACE_MS);
      throw error;
    }
  }

  /** Its worker takes calls (its /readyz answers 200). */
  async isReady(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${this.worker.port}/readyz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  }

  /** As the kubelet stops a pod: the worker drains (GET /drain), then it and the engine stop. */
  async stop(): Promise<void> {
    try {
      await fetch(`http://127.0.0.1:${this.worker.port}/drain`, { signal: AbortSignal.timeout(STOP_GRACE_MS) });
    } catch {
      // already gone, or the drain outlasted the grace: SIGTERM hands the rest back
    }
    await stopChildService(this.worker, STOP_GRACE_MS);
    if (this.engine) await stopChildService(this.engine, STOP_GRACE_MS);
  }

  /** Last resort on exit: nothing is left running. */
  kill(): void {
    for (const service of [this.worker, this.engine]) {
      if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
    }
  }
}
