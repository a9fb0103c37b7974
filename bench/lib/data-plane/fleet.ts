// The data plane's processes for the benchmark: the real `slm-fleet` router, worker and
// engine-sim subcommands (and the bare echo server), each a child process logging to its own
// file in the run directory, stopped with SIGTERM so a --cpu-prof profile gets written. Routers
// and workers get the config's preload (the Redis write counter) before any other Node flag.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface FleetProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** HTTP port (probes, metrics; the OpenAI API of a simulator); the gRPC port of the echo server. */
  port: number;
  /** A router's gRPC port. */
  grpcPort: number;
  exited: Promise<number | null>;
  logFile: string;
}

export interface FleetConfig {
  repoRoot: string;
  /** Told when a process ends that the benchmark did not stop (it crashed, or something killed it). */
  onUnexpectedExit: (exit: UnexpectedExit) => void;
  logDir: string;
  redisUrl: string;
  kubeconfig: string;
  namespace: string;
  /** Node flags and environment every router and worker starts with (bench/lib/count-redis.ts). */
  preload?: { nodeArgs: string[]; env: Record<string, string> };
}

export interface UnexpectedExit {
  name: string;
  code: number | null;
  signal: string | null;
  logFile: string;
  at: string;
}

export interface SimSettings {
  tpot?: string;
  maxBatch: number;
  /** Extra time per token for each other request in the batch, as a fraction of tpot. */
  batchSlowdown?: number;
  outputTokens?: number;
}

/** Node flags for a process (e.g. --cpu-prof), and extra subcommand flags. */
export interface SpawnExtras {
  nodeArgs?: string[];
  args?: string[];
}

const START_TIMEOUT_MS = 60_000;

export class Fleet {
  private readonly live = new Set<FleetProcess>();
  private readonly bin: string;
  private count = 0;

  constructor(private readonly config: FleetConfig) {
    this.bin = join(config.repoRoot, 'apps', 'cli', 'bin', 'slm-fleet.js');
  }

  sim(settings: SimSettings): Promise<FleetProcess> {
    const args = ['engine-sim', '--model', 'sim-model', '--ttft', '0ms', '--tpot', settings.tpot ?? '0ms'];
    args.push('--max-batch', String(settings.maxBatch), '--output-tokens', String(settings.outputTokens ?? 4));
    args.push('--batch-slowdown', String(settings.batchSlowdown ?? 0));
    return this.start('engine-sim', [this.bin, ...args, '--http-port', '0'], ['listening']);
  }

  router(extras: SpawnExtras = {}): Promise<FleetProcess> {
    const { kubeconfig, redisUrl, namespace } = this.config;
    const args = ['router', '--grpc-port', '0', '--namespace', namespace, '--kubeconfig', kubeconfig];
    args.push('--redis-url', redisUrl, '--http-port', '0', ...(extras.args ?? []));
    return this.start('router', [...this.nodeArgs(extras), this.bin, ...args], ['listening', 'grpc listening']);
  }

  /** A worker of `specialist` in front of `engine`; resolves once it takes calls (engine ready). */
  worker(
    specialist: string,
    engine: FleetProcess,
    concurrency: number,
    extras: SpawnExtras = {},
  ): Promise<FleetProcess> {
    const args = ['worker', '--specialist', `${this.config.namespace}/${specialist}`, '--model', 'sim-model'];
    args.push('--engine-url', `http://127.0.0.1:${engine.port}/v1`, '--concurrency', String(concurrency));
    args.push('--redis-url', this.config.redisUrl, '--http-port', '0', ...(extras.args ?? []));
    const ready = ['listening', 'engine ready; taking calls'];
    return this.start('worker', [...this.nodeArgs(extras), this.bin, ...args], ready);
  }

  private nodeArgs(extras: SpawnExtras): string[] {
    return [...(this.config.preload?.nodeArgs ?? []), ...(extras.nodeArgs ?? [])];
  }

  /** The bare gRPC echo server (bench/dist/lib/data-plane/echo-server.js). */
  echo(): Promise<FleetProcess> {
    const script = new URL('./echo-server.js', import.meta.url).pathname;
    return this.start('echo', [script], ['echo port']);
  }

  /** SIGTERM (graceful: drains, writes a CPU profile), SIGKILL after 30 s. */
  async stop(p: FleetProcess | undefined): Promise<number | null> {
    if (!p) return null;
    this.live.delete(p);
    if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
    const code = await p.exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL, as a crash or the OOM killer ends a process: no drain, no clean-up. */
  async kill(p: FleetProcess): Promise<void> {
    this.live.delete(p);
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGKILL');
    await p.exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => this.stop(p)));
  }

  private start(name: string, argv: string[], ready: string[]): Promise<FleetProcess> {
    const logFile = join(this.config.logDir, `${name}-${++this.count}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, argv, {
      cwd: this.config.repoRoot,
      env: { ...process.env, ...this.config.preload?.env, KUBECONFIG: this.config.kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => {
        if ([...this.live].some((p) => p.child === child)) {
          this.config.onUnexpectedExit({ name, code, signal, logFile, at: new Date().toISOString() });
        }
        log.end(() => resolve(code));
      }),
    );
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    const seen = new Set<string>();
    const ports = { port: 0, grpcPort: 0 };
    return new Promise<FleetProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `${name} not ready within ${START_TIMEOUT_MS / 1000}s (saw ${[...seen].join(', ')}); see ${logFile}`,
          ),
        );
      }, START_TIMEOUT_MS);
      let started = false;
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.write(`${line}\n`);
        const message = messageOf(line);
        if (started || !message?.msg) return;
        if (message.msg === 'listening' || message.msg === 'echo port') ports.port = message.port ?? 0;
        if (message.msg === 'grpc listening') ports.grpcPort = message.port ?? 0;
        seen.add(message.msg);
        if (ready.every((m) => seen.has(m))) {
          started = true;
          clearTimeout(timer);
          const p: FleetProcess = { name, child, pid: child.pid ?? 0, exited, logFile, ...ports };
          this.live.add(p);
          resolve(p);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} before it was ready; see ${logFile}`));
      });
    });
  }
}

/** The services log JSON lines with {message: {msg, port}}; the echo server prints {port}. */
function messageOf(line: string): { msg?: string; port?: number } | undefined {
  try {
    const entry = JSON.parse(line) as { message?: { msg?: string; port?: number }; port?: number };
    if (entry.message) return entry.message;
    if (entry.port) return { msg: 'echo port', port: entry.port };
  } catch {
    // not a log line of ours
  }
  return undefined;
}
