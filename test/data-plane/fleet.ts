// Runs the data plane as users run it: the slm-fleet executable's router, worker and
// engine-sim subcommands as child processes, against the suite's Redis and API server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  AgentRouterClient,
  InvokeRequest,
  type InvokeChunk,
  type InvokeResponse,
  type ListTasksResponse,
} from '@slm-fleet/proto';
import { eventually, slmFleetBin, type SuiteEnv } from '@slm-fleet/testing';
import type { SimStats } from '@slm-fleet/simulator';
import { expect } from 'vitest';

export interface FleetProcess {
  name: string;
  child: ChildProcess;
  /** The HTTP port (probes, metrics; the OpenAI API on a router, the API on a simulator). */
  port: number;
  /** The gRPC port, for a router. */
  grpcPort: number;
  logs: string[];
  exited: Promise<number | null>;
}

/** Starts `slm-fleet <args>` and waits until it logs that it listens (and, for a router, serves gRPC). */
export async function spawnFleet(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<FleetProcess> {
  const child = spawn(process.execPath, [slmFleetBin, ...args, '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const needsGrpc = args[0] === 'router';
  const ports = await new Promise<{ port: number; grpcPort: number }>((resolve, reject) => {
    let port = 0;
    let grpcPort = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      let message: { msg?: string; port?: number } | undefined;
      try {
        message = (JSON.parse(line) as { message?: { msg?: string; port?: number } }).message;
      } catch {
        return;
      }
      if (message?.msg === 'listening' && message.port) port = message.port;
      if (message?.msg === 'grpc listening' && message.port) grpcPort = message.port;
      if (port && (grpcPort || !needsGrpc)) resolve({ port, grpcPort });
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code}:\n${logs.join('\n')}`)));
  });
  return { name, child, logs, exited, ...ports };
}

/** SIGTERM (graceful) unless told otherwise; waits for the exit. */
export async function stopFleet(process: FleetProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill(signal);
  await process.exited;
}

/**
 * Starts a router and waits for its /readyz: gRPC listens before the router has listed the
 * namespace's Specialists and AgentTasks, and calls made then get UNAVAILABLE (retryable).
 */
export async function startRouter(env: SuiteEnv, extra: string[] = []): Promise<FleetProcess> {
  const router = await spawnFleet('router', [
    'router',
    '--grpc-port',
    '0',
    '--namespace',
    env.namespace,
    '--kubeconfig',
    env.kubeconfigPath,
    '--redis-url',
    env.redisUrl,
    '--queue-prefix',
    env.queuePrefix,
    ...extra,
  ]);
  await eventually(
    async () => {
      const response = await fetch(`http://127.0.0.1:${router.port}/readyz`);
      expect(response.status, await response.text()).toBe(200);
    },
    { timeoutMs: 120_000 },
  );
  return router;
}

export interface SimulatorSettings {
  ttft?: string;
  tpot?: string;
  outputTokens?: number;
  maxBatch?: number;
  model?: string;
}

export function startSimulator(settings: SimulatorSettings = {}): Promise<FleetProcess> {
  return spawnFleet('engine-sim', [
    'engine-sim',
    '--model',
    settings.model ?? 'sim-model',
    '--ttft',
    settings.ttft ?? '0ms',
    '--tpot',
    settings.tpot ?? '0ms',
    '--output-tokens',
    String(settings.outputTokens ?? 8),
    '--max-batch',
    String(settings.maxBatch ?? 64),
  ]);
}

export function startWorker(
  env: SuiteEnv,
  specialist: string,
  engine: FleetProcess,
  extra: string[] = [],
): Promise<FleetProcess> {
  return spawnFleet('worker', [
    'worker',
    '--specialist',
    `${env.namespace}/${specialist}`,
    '--engine-url',
    `http://127.0.0.1:${engine.port}/v1`,
    '--model',
    'sim-model',
    '--redis-url',
    env.redisUrl,
    '--queue-prefix',
    env.queuePrefix,
    ...extra,
  ]);
}

/** A Specialist served by the engine simulator (no operator runs here: only the router reads it). */
export const simSpecialist = (name: string, tasks: string[], extra = ''): string => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://sim/model, servedName: sim-model}
  engine: {kind: vllm, maxConcurrency: 8}
  resources: {gpu: {count: 1}}
  tasks: [${tasks.join(', ')}]
${extra}`;

/** A promise-returning client of the router's gRPC API (the generated client underneath). */
export class RouterClient {
  readonly raw: InstanceType<typeof AgentRouterClient>;

  constructor(grpcPort: number) {
    this.raw = new AgentRouterClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  }

  invoke(request: Partial<InvokeRequest>, options: { deadlineMs?: number; metadata?: Metadata } = {}) {
    return new Promise<InvokeResponse>((resolve, reject) => {
      const callOptions = { deadline: options.deadlineMs ? Date.now() + options.deadlineMs : Infinity };
      const done = (error: ServiceError | null, response?: InvokeResponse) =>
        error ? reject(error) : resolve(response!);
      const full = InvokeRequest.fromPartial(request);
      this.raw.invoke(full, options.metadata ?? new Metadata(), callOptions, done);
    });
  }

  /** Collects a stream's chunks; rejects with the stream's error. */
  invokeStream(request: Partial<InvokeRequest>, deadlineMs?: number): Promise<InvokeChunk[]> {
    return new Promise((resolve, reject) => {
      const chunks: InvokeChunk[] = [];
      const stream = this.raw.invokeStream(
        InvokeRequest.fromPartial(request),
        deadlineMs ? { deadline: Date.now() + deadlineMs } : {},
      );
      stream.on('data', (chunk: InvokeChunk) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(chunks));
    });
  }

  listTasks(): Promise<ListTasksResponse> {
    return new Promise((resolve, reject) =>
      this.raw.listTasks({}, (error, response) => (error ? reject(error) : resolve(response))),
    );
  }

  close(): void {
    this.raw.close();
  }
}

/** The gRPC status a call failed with: code, details and the slm-error-reason trailer. */
export async function failureOf(call: Promise<unknown>): Promise<{ code: number; details: string; reason: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as ServiceError;
    return { code: e.code, details: e.details, reason: String(e.metadata?.get('slm-error-reason')[0] ?? '') };
  }
  throw new Error('the call succeeded; a failure was expected');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls a task every `everyMs` from a second before `disrupt` until a second after it, waits
 * for every call to settle (none may hang: each has a deadline), and counts the outcomes by
 * gRPC status name.
 */
export async function outcomesDuring(
  client: RouterClient,
  task: string,
  everyMs: number,
  disrupt: () => Promise<void>,
): Promise<Record<string, number>> {
  const outcomes: Promise<string>[] = [];
  const load = setInterval(() => {
    const call = client.invoke({ task, prompt: `call ${outcomes.length}` }, { deadlineMs: 45_000 });
    outcomes.push(
      call.then(
        () => 'OK',
        (error: { code: number }) => status[error.code] ?? String(error.code),
      ),
    );
  }, everyMs);
  try {
    await sleep(1000);
    await disrupt();
    await sleep(1000);
  } finally {
    clearInterval(load);
  }
  const counts: Record<string, number> = {};
  for (const outcome of await Promise.all(outcomes)) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** The arguments of the tool-call tests' lookup_order: an order id. */
export const ORDER_ID_PARAMETERS = {
  type: 'object',
  properties: { order_id: { type: 'string' } },
  required: ['order_id'],
};

/** An AgentTask `orders` with a tool set of one (lookup_order), whose tool arguments are checked. */
export const ordersTask = (specialist: string): string => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: orders}
spec:
  specialists: [{name: ${specialist}}]
  validateToolArguments: true
  tools:
    - name: lookup_order
      description: Find an order by id
      parameters: ${JSON.stringify(ORDER_ID_PARAMETERS)}
`;

/** The engine simulator's counters (GET /sim/stats). */
export async function simStats(sim: FleetProcess): Promise<SimStats> {
  return (await (await fetch(`http://127.0.0.1:${sim.port}/sim/stats`)).json()) as SimStats;
}

/** Flips the engine simulator's fault switches at run time (POST /sim/faults, from loopback). */
export async function setSimFaults(sim: FleetProcess, switches: Record<string, number>): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${sim.port}/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(switches),
  });
  expect(response.status, await response.text()).toBe(200);
}

/** The invoice tasks' output schema: a total and a currency. */
export const INVOICE_SCHEMA = {
  type: 'object',
  required: ['total', 'currency'],
  properties: { total: { type: 'number' }, currency: { type: 'string', enum: ['EUR', 'USD'] } },
};
