import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { bootId, commandLineOf, environmentOf, startTimeOf } from './processes.js';

// Why this file exists: local mode's children (workers, engine simulators, its redis-server) run
// in process groups of their own, so that a Ctrl-C reaches only local mode, which then stops
// them in order (workers drain before their engines and Redis stop). The price: when local
// mode dies without stopping them (SIGKILL, OOM killer), nothing ends them. Linux's
// parent-death signal is out of reach from Node, and the children's code is not local mode's
// to change, so local mode keeps a record of every child (pid and start time) in a run file,
// and two things read it:
//  - a watchdog process (watchdog.ts) holding a pipe from local mode: when local mode dies the
//    pipe closes, and the watchdog ends the children of the run file at once;
//  - the next start of local mode: it ends the children of any run whose local mode is gone
//    (a watchdog killed too, say), so leftovers never pile up.
// A pid alone is not enough: once a leftover has exited its pid may be reused. A process is
// ended only if its start time is the one recorded AND its command line is the one of that run's
// child (a worker's names its replica, which carries the run id; redis-server's names its port)
// AND, for the Node children, its environment carries the run id (redis-server overwrites its
// environment with its process title). An unrelated process that reused a pid fails all three.

/** The environment variable that marks a child with its run (SLM_FLEET_LOCAL_RUN=<run id>). */
export const RUN_ENV = 'SLM_FLEET_LOCAL_RUN';

export type ChildRole = 'worker' | 'engine' | 'redis';

export interface ChildEntry {
  pid: number;
  startTime: string;
  role: ChildRole;
  name: string;
  /** Substrings its command line holds. */
  commandLine: string[];
  /** An entry its environment holds, when its environment can be read. */
  environment?: string;
}

export interface RunFile {
  runId: string;
  bootId: string;
  owner: { pid: number; startTime: string };
  children: ChildEntry[];
}

/** A short random id: it names the run's replicas, so a restart never reuses a name. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** Per user: $XDG_RUNTIME_DIR (gone at logout and reboot) or ~/.local/state. */
export function defaultStateDir(): string {
  const runtime = process.env['XDG_RUNTIME_DIR'];
  return runtime ? join(runtime, 'slm-fleet', 'local') : join(homedir(), '.local', 'state', 'slm-fleet', 'local');
}

/** This run's children, written to `<dir>/run-<id>.json` on every start and exit of one. */
export class RunRecord {
  readonly file: string;
  private readonly children = new Map<number, { entry: ChildEntry; child: ChildProcess }>();
  private closed = false;

  constructor(
    dir: string,
    readonly runId: string,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, `run-${runId}.json`);
    this.write();
  }

  /** Records a child just spawned (synchronously, so no await separates the spawn from the record). */
  track(child: ChildProcess, role: ChildRole, name: string, commandLine: string[], environment?: string): void {
    const pid = child.pid;
    if (pid === undefined || this.closed) return; // it did not spawn
    const entry: ChildEntry = { pid, startTime: startTimeOf(pid) ?? '', role, name, commandLine };
    if (environment) entry.environment = environment;
    this.children.set(pid, { entry, child });
    this.write();
    child.once('exit', () => {
      this.children.delete(pid);
      this.write();
    });
  }

  /** Last resort on exit: SIGKILL every child still running. */
  killAll(): void {
    for (const { child } of this.children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  /** Removes the run file: nothing of this run is left to end. */
  close(): void {
    this.closed = true;
    rmSync(this.file, { force: true });
  }

  private write(): void {
    if (this.closed) return;
    const run: RunFile = {
      runId: this.runId,
      bootId: bootId(),
      owner: { pid: process.pid, startTime: startTimeOf(process.pid) ?? '' },
      children: [...this.children.values()].map(({ entry }) => entry),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(run), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

export function readRunFile(file: string): RunFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  } catch {
    return undefined;
  }
}

/** Whether the run's local mode process still runs. */
export function ownerAlive(run: RunFile): boolean {
  return run.owner.startTime !== '' && startTimeOf(run.owner.pid) === run.owner.startTime;
}

/** Whether the process with this pid is still the child recorded (see the top of this file). */
export function isStillChild(entry: ChildEntry): boolean {
  if (entry.startTime === '' || startTimeOf(entry.pid) !== entry.startTime) return false;
  const commandLine = commandLineOf(entry.pid);
  if (!entry.commandLine.every((part) => commandLine.includes(part))) return false;
  return entry.environment === undefined || environmentOf(entry.pid).includes(entry.environment);
}

export interface EndOptions {
  /** How long workers may take to drain after SIGTERM before SIGKILL. */
  workerGraceMs: number;
  /** The same for engines and Redis, which go after the workers. */
  otherGraceMs: number;
}

export const END_GRACE: EndOptions = { workerGraceMs: 45_000, otherGraceMs: 10_000 };

/**
 * Ends what is left of a run: workers first (SIGTERM: they drain, handing their calls back to
 * the queue), then engines and Redis; SIGKILL for any that outlast the grace. Returns the
 * children it found still running.
 */
export async function endRun(run: RunFile, options: EndOptions = END_GRACE): Promise<ChildEntry[]> {
  if (run.bootId !== bootId()) return []; // recorded before a reboot: those processes are gone
  const left = run.children.filter(isStillChild);
  await endAll(
    left.filter((c) => c.role === 'worker'),
    options.workerGraceMs,
  );
  await endAll(
    left.filter((c) => c.role !== 'worker'),
    options.otherGraceMs,
  );
  return left;
}

/**
 * On start: ends the leftovers of every run, in `dir`, whose local mode is gone, and removes
 * their run files. Runs whose local mode still runs (another local mode of this user) are left
 * alone. Returns what was ended, per run id.
 */
export async function endLeftovers(dir: string, options: EndOptions = END_GRACE): Promise<Map<string, ChildEntry[]>> {
  const ended = new Map<string, ChildEntry[]>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => /^run-[\w-]+\.json$/.test(name));
  } catch {
    return ended; // no run yet
  }
  for (const name of files) {
    const file = join(dir, name);
    const run = readRunFile(file);
    if (run && ownerAlive(run)) continue;
    if (run) {
      const left = await endRun(run, options);
      if (left.length > 0) ended.set(run.runId, left);
    }
    rmSync(file, { force: true });
  }
  return ended;
}

async function endAll(entries: readonly ChildEntry[], graceMs: number): Promise<void> {
  if (entries.length === 0) return;
  signal(entries, 'SIGTERM');
  if (await gone(entries, graceMs)) return;
  signal(entries, 'SIGKILL');
  await gone(entries, 5000);
}

function signal(entries: readonly ChildEntry[], name: NodeJS.Signals): void {
  for (const entry of entries) {
    // Checked again right before each signal: the pid may have been reused since.
    if (!isStillChild(entry)) continue;
    try {
      process.kill(entry.pid, name);
    } catch {
      // exited meanwhile
    }
  }
}

async function gone(entries: readonly ChildEntry[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (!entries.some((entry) => startTimeOf(entry.pid) === entry.startTime)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
