// A private instance of scripts/platform for one benchmark run: its own run directory (state,
// ports, logs), so it never touches the shared platform the tests use.
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { run } from './run.js';

export interface NodeCounts {
  l4: number;
  h100: number;
  cpu: number;
}

export class Platform {
  kubeconfig = '';
  kubectlPath = '';

  constructor(
    private readonly repoRoot: string,
    /** SLM_FLEET_RUN_DIR of this instance; never the shared default. */
    readonly runDir: string,
  ) {
    if (!runDir) throw new Error('a private platform needs its own run directory');
  }

  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, SLM_FLEET_RUN_DIR: this.runDir };
  }

  private script(args: string[], timeoutMs: number, inheritStderr = false): Promise<string> {
    return run(join(this.repoRoot, 'scripts', 'platform'), args, { env: this.env, timeoutMs, inheritStderr });
  }

  /** Brings the platform up (the first time on a machine this includes Go builds) and reads its env. */
  async up(nodes: NodeCounts, timeoutMs: number): Promise<void> {
    await this.script(
      ['up', '--l4-nodes', String(nodes.l4), '--h100-nodes', String(nodes.h100), '--cpu-nodes', String(nodes.cpu)],
      timeoutMs,
      true,
    );
    const env = await this.script(['env'], 60_000);
    this.kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(env)?.[1] ?? '';
    const path = /^export PATH=(.+):\$PATH$/m.exec(env)?.[1] ?? '';
    this.kubectlPath =
      path
        .split(delimiter)
        .map((dir) => join(dir, 'kubectl'))
        .find((file) => existsSync(file)) ?? '';
    if (!this.kubeconfig || !this.kubectlPath) {
      throw new Error(`cannot read KUBECONFIG and kubectl from scripts/platform env:\n${env}`);
    }
  }

  /** Stops every component of this instance (by PID, from its run directory). */
  async down(timeoutMs: number): Promise<void> {
    await this.script(['down'], timeoutMs, true);
  }

  kubectl(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return run(this.kubectlPath, ['--kubeconfig', this.kubeconfig, ...args], {
      env: { ...process.env, KUBECONFIG: this.kubeconfig },
      timeoutMs: options.timeoutMs ?? 120_000,
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** The loopback port a component listens on. */
  async port(name: string): Promise<number> {
    return Number((await readFile(join(this.runDir, 'ports', name), 'utf8')).trim());
  }

  /** PIDs of the platform's processes, by component name (apiserver, etcd, kwok, ...). */
  async pids(): Promise<Record<string, number>> {
    const pids: Record<string, number> = {};
    for (const name of ['apiserver', 'etcd', 'controller-manager', 'scheduler', 'kwok']) {
      try {
        pids[name] = Number((await readFile(join(this.runDir, 'pids', `${name}.pid`), 'utf8')).trim());
      } catch {
        // not running: left out
      }
    }
    return pids;
  }
}
