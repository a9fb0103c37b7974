// A Redis of the benchmark's own that it can kill without warning and start again on the same
// port and data, as the platform runs Redis: append-only file, fsync every second or always.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '../run.js';

export type Fsync = 'everysec' | 'always';

export class KillableRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly fsync: Fsync,
    private readonly dir: string,
  ) {}

  static async start(port: number, fsync: Fsync): Promise<KillableRedis> {
    const redis = new KillableRedis(port, fsync, await mkdtemp(join(tmpdir(), 'slm-fleet-bench-redis-')));
    await redis.startProcess();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** SIGKILL, `downMs` away, then the same port and data again; resolves once it answers. */
  async crashAndRestart(downMs: number): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startProcess();
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async startProcess(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir, '--save', ''];
    args.push('--appendonly', 'yes', '--appendfsync', this.fsync, '--maxmemory-policy', 'noeviction');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor(`redis-server on ${this.port}`, 30_000, async () => ((await this.answers()) ? true : undefined), 50);
  }

  private async answers(): Promise<boolean> {
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // connect() rejects with it; a listener keeps ioredis quiet
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }
}
