// `slm-fleet local`: the whole system on one machine without Kubernetes. Specialists and
// AgentTasks come from YAML files; a replica is a worker process beside an engine (the
// simulator, or an OpenAI-compatible server on the workstation); the operator's autoscaling
// policy sizes them; the router is the real one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { createJsonLogger, type Stoppable } from '@slm-fleet/service';
import { connectRedis, logRedisErrors } from '@slm-fleet/queue';
import { QueueReader, RouterScraper } from '@slm-fleet/load-signals';
import { FixedRoutingSource, startRouter, type LocalResources } from '@slm-fleet/router';
import { DemoWorkload } from './demo-workload.js';
import { demoTaskNames, demoTaskOf, demoTrafficFor } from './demo-traffic.js';
import { DEFAULT_LLM_API_KEY_ENV, describeLargeModelEngine, isLargeModel, largeModelSettings } from './large-model.js';
import { LiveView } from './live-loop.js';
import { LocalAutoscaler } from './local-autoscaler.js';
import { LocalFleet } from './local-fleet.js';
import { startLocalRedis } from './local-redis.js';
import { LOCAL_NAMESPACE, loadLocalResources } from './local-resources.js';
import { Replica, type ReplicaSettings } from './replica.js';
import { RunRecord, defaultStateDir, endLeftovers, newRunId } from './run-record.js';

export interface LocalOptions {
  /** Directory of Specialist and AgentTask YAML files. */
  resources: string;
  /** Redis to use; without it, local mode starts a redis-server of its own. */
  redisUrl?: string;
  queuePrefix: string;
  host: string;
  httpPort: number;
  grpcPort: number;
  /** An OpenAI-compatible engine for every Specialist but the openai ones, instead of the simulator. */
  engineUrl?: string;
  /** A real OpenAI-compatible endpoint for the openai Specialists (the large model) instead of a simulator. */
  llmUrl?: string;
  /** The model to ask --llm-url for, instead of each openai Specialist's served name. */
  llmModel?: string;
  /** The environment variable holding --llm-url's API key (read here, never a flag: argv shows in ps). */
  llmApiKeyEnv?: string;
  /** Run the demo workload and its live view. */
  demo: boolean;
  /** The slm-fleet executable, to start worker and simulator processes with. */
  cliPath: string;
  intervalSeconds: number;
  /** Where the run file listing this run's children goes (run-record.ts); a per-user default. */
  stateDir?: string;
}

/**
 * Starts everything; returns what to stop, in start order (stop them in reverse). A failure
 * half-way stops what had started before it is thrown.
 */
export async function startLocal(options: LocalOptions): Promise<{ services: Stoppable[]; logger: LoggerService }> {
  const services: Stoppable[] = [];
  try {
    return await startAll(options, services);
  } catch (error) {
    for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
    throw error;
  }
}

async function startAll(
  options: LocalOptions,
  services: Stoppable[],
): Promise<{ services: Stoppable[]; logger: LoggerService }> {
  // The live view owns the terminal: logs below warnings would scroll it away.
  if (options.demo) process.env['SLM_FLEET_LOG_LEVEL'] ??= 'warn';
  const logger = createJsonLogger('local');
  const resources = loadLocalResources(options.resources);

  // Children that outlived a local mode killed without a chance to stop them (and its
  // watchdog, see run-record.ts) are ended before anything starts.
  const stateDir = options.stateDir || defaultStateDir();
  for (const [runId, children] of await endLeftovers(stateDir)) {
    logger.warn({
      msg: 'ended the leftovers of a previous run',
      run: runId,
      processes: children.map(({ pid, role, name }) => ({ pid, role, name })),
    });
  }
  const run = new RunRecord(stateDir, newRunId());
  const watchdog = startWatchdog(run);
  // Last resort: whatever way this process ends (but SIGKILL: the watchdog's job), no child outlives it.
  process.once('exit', () => {
    run.killAll();
    run.close();
  });
  // Stops last: everything it lists has stopped by then.
  services.push({
    stop: async () => {
      run.close();
      watchdog?.end();
    },
  });

  const redis = options.redisUrl ? undefined : await startLocalRedis(run);
  if (redis) services.push(redis);
  // An empty REDIS_URL counts as none: the Redis started here serves.
  const redisUrl = redis?.url ?? options.redisUrl ?? '';

  const llmApiKeyEnv = options.llmApiKeyEnv || DEFAULT_LLM_API_KEY_ENV;
  const largeModel = largeModelSettings(
    {
      // Empty (an exported SLM_FLEET_LLM_URL=) means none, as for --engine-url.
      ...(options.llmUrl ? { llmUrl: options.llmUrl } : {}),
      ...(options.llmModel ? { llmModel: options.llmModel } : {}),
      llmApiKeyEnv,
    },
    process.env,
  );
  for (const warning of largeModel.warnings) logger.warn({ msg: warning });
  const largeModelEngine = describeLargeModelEngine(largeModel.settings);
  const settings: ReplicaSettings = {
    cliPath: options.cliPath,
    redisUrl,
    queuePrefix: options.queuePrefix,
    // An empty --engine-url (or SLM_FLEET_ENGINE_URL=) means the simulator, as none given.
    ...(options.engineUrl ? { engineUrl: options.engineUrl } : {}),
    largeModel: largeModel.settings,
    llmApiKeyEnv,
    run,
  };
  // The fleet tells the routing table when readiness changes; the table reads the fleet. The
  // fleet calls back only once replicas run (never from its constructor), so `routing` is set.
  const fleet = new LocalFleet(resources.specialists, {
    runId: run.runId,
    startReplica: (specialist, name) => Replica.start(specialist, name, settings),
    logger,
    onChange: () => routing.refresh(),
  });
  const routing = new FixedRoutingSource(LOCAL_NAMESPACE, () => ({
    specialists: fleet.specialistsWithStatus(),
    agentTasks: resources.agentTasks,
  }));
  fleet.start();
  services.push({ stop: () => fleet.stop(), stopTimeoutMs: 45_000 });

  const router = await startRouter({
    host: options.host,
    httpPort: options.httpPort,
    grpcPort: options.grpcPort,
    redisUrl,
    queuePrefix: options.queuePrefix,
    namespace: LOCAL_NAMESPACE,
    maxRequestBytes: 1024 * 1024,
    routing,
  });
  services.push(router);

  const connection = connectRedis({ url: redisUrl, connectionName: 'slm-fleet-local-autoscaler', failFast: true });
  logRedisErrors(connection, logger, 'local-autoscaler');
  const autoscaler = new LocalAutoscaler({
    specialists: resources.specialists,
    agentTasks: resources.agentTasks,
    fleet,
    queues: new QueueReader(connection, options.queuePrefix),
    router: new RouterScraper(() => [`http://127.0.0.1:${router.port}/metrics`]),
    intervalMs: options.intervalSeconds * 1000,
    logger,
    onScaled: (key, from, to, reason) => live?.noteScaling(`${key} ${from} -> ${to}: ${reason}`),
  });
  autoscaler.start();
  services.push({
    stop: async () => {
      await autoscaler.stop();
      connection.disconnect();
    },
  });
  logger.log({
    msg: 'local mode serving',
    grpc: `${options.host}:${router.grpcPort}`,
    http: `${options.host}:${router.port}`,
    specialists: resources.specialists.map((s) => s.metadata.name),
    tasks: tasksOf(resources),
    // How the openai Specialists are served (a simulator, or --llm-url): never the key.
    largeModels: resources.specialists.filter(isLargeModel).map((s) => `${s.metadata.name}: ${largeModelEngine}`),
    run: run.runId,
    // Only a Redis it started itself, without its password: a given URL may hold one too.
    ...(redis ? { startedRedis: redis.address } : {}),
  });

  let live: LiveView | undefined;
  if (options.demo) {
    const agentTasks = new Map(resources.agentTasks.map((t) => [t.metadata.name, t.spec]));
    const tasks = demoTaskNames(resources).map((name) => demoTaskOf(name, agentTasks.get(name)));
    const demo = new DemoWorkload(router.grpcPort, demoTrafficFor(tasks));
    const largeModels = resources.specialists
      .filter(isLargeModel)
      .map((s) => ({ key: `${s.metadata.namespace}/${s.metadata.name}`, engine: largeModelEngine }));
    live = new LiveView(demo, fleet, autoscaler, routing, largeModels);
    demo.start();
    live.start();
    const view = live;
    services.push({
      stop: async () => {
        view.stop();
        await demo.stop();
      },
      stopTimeoutMs: 65_000,
    });
  }
  return { services, logger };
}

/**
 * Starts the run's watchdog (watchdog.ts): it holds a pipe from this process, and ends the
 * run's children when the pipe closes with the run file still there. Not from the TypeScript
 * sources (unit tests), where there is no watchdog.js: the next start ends leftovers then.
 */
function startWatchdog(run: RunRecord): { end: () => void } | undefined {
  const script = fileURLToPath(new URL('./watchdog.js', import.meta.url));
  if (!existsSync(script)) return undefined;
  const child = spawn(process.execPath, [script, run.file], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  child.unref();
  const pipe = child.stdin;
  if (pipe instanceof Socket) pipe.unref();
  pipe?.on('error', () => undefined);
  return { end: () => pipe?.end() };
}

function tasksOf(resources: LocalResources): string[] {
  const tasks = new Set([
    ...resources.agentTasks.map((t) => t.metadata.name),
    ...resources.specialists.flatMap((s) => s.spec.tasks),
  ]);
  return [...tasks].sort();
}
