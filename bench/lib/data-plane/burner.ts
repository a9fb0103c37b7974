// The second condition every figure is taken under: a child process spinning on one core, as
// a busy neighbour would, so a figure that only holds on a quiet machine shows it. The burner
// starts before a step and is killed after it; the run's clean-up kills it on failure and on
// Ctrl-C, and it ends itself if the benchmark dies without clean-up (its parent is gone).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { sleep } from '../run.js';

export const CONDITIONS = ['quiet', 'burner'] as const;
export type Condition = (typeof CONDITIONS)[number];

// A busy loop runs no timers, so the parent check sits in the loop (every 1e8 turns: ~0.1 s).
// process.ppid is read once at start-up, so the check asks whether that pid still exists.
const SPIN = 'const p=process.ppid;for(let i=1;;i++)if(i%1e8===0)try{process.kill(p,0)}catch{process.exit(1)}';

/** Node's start-up, so the step begins with the core already taken. */
const SPIN_UP_MS = 300;

export class Burner {
  private child: ChildProcess | undefined;

  /** {burner: pid} while it spins: the CPU meter shows it held its core. */
  pids(): Record<string, number> {
    return this.child?.pid ? { burner: this.child.pid } : {};
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.child = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
    await sleep(SPIN_UP_MS);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** Runs `step` quiet, or with the burner spinning from before it until after it. */
export async function under<T>(burner: Burner, condition: Condition, step: () => Promise<T>): Promise<T> {
  if (condition === 'quiet') return step();
  await burner.start();
  try {
    return await step();
  } finally {
    await burner.stop();
  }
}
