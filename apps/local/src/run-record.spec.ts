import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootId, startTimeOf } from './processes.js';
import {
  RUN_ENV,
  RunRecord,
  endLeftovers,
  isStillChild,
  readRunFile,
  type ChildEntry,
  type RunFile,
} from './run-record.js';

// Real processes (a Node that idles), so the /proc reading is the real one.
const spawned: ChildProcess[] = [];
function idler(runId?: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'slm-fleet-test-idler'], {
    stdio: 'ignore',
    env: runId ? { ...process.env, [RUN_ENV]: runId } : process.env,
  });
  spawned.push(child);
  return child;
}
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolve) => (alive(child) ? child.once('exit', () => resolve()) : resolve()));

afterEach(() => {
  for (const child of spawned.splice(0)) if (alive(child)) child.kill('SIGKILL');
});

function entryFor(child: ChildProcess, runId: string, overrides: Partial<ChildEntry> = {}): ChildEntry {
  return {
    pid: child.pid!,
    startTime: startTimeOf(child.pid!)!,
    role: 'engine',
    name: 'x',
    commandLine: ['slm-fleet-test-idler'],
    environment: `${RUN_ENV}=${runId}`,
    ...overrides,
  };
}

/** A run file whose local mode has exited (a real process that ran and ended). */
async function deadOwner(): Promise<RunFile['owner']> {
  const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { stdio: 'ignore' });
  const startTime = startTimeOf(owner.pid!)!;
  await exitOf(owner);
  return { pid: owner.pid!, startTime };
}

// Starting Node processes takes a while on a loaded machine.
describe('run records', { timeout: 60_000 }, () => {
  it('records each child as it spawns and forgets it when it exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slm-run-'));
    const run = new RunRecord(dir, 'abc123');
    const child = idler('abc123');
    run.track(child, 'engine', 'spec-abc123-0', ['slm-fleet-test-idler'], `${RUN_ENV}=abc123`);
    const file = readRunFile(run.file)!;
    expect(file.owner.pid).toBe(process.pid);
    expect(file.children).toEqual([entryFor(child, 'abc123', { name: 'spec-abc123-0' })]);
    expect(isStillChild(file.children[0]!)).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    expect(readRunFile(run.file)!.children).toEqual([]);
    run.close();
    expect(existsSync(run.file)).toBe(false);
  });

  it('tells a recorded child from a process that is not it', () => {
    const child = idler('abc123');
    expect(isStillChild(entryFor(child, 'abc123'))).toBe(true);
    // Another start time: the pid was reused.
    expect(isStillChild(entryFor(child, 'abc123', { startTime: '1' }))).toBe(false);
    // Another command line, or another run's mark in its environment.
    expect(isStillChild(entryFor(child, 'abc123', { commandLine: ['slm-fleet', 'worker'] }))).toBe(false);
    expect(isStillChild(entryFor(child, 'other'))).toBe(false);
  });

  it("ends the leftovers of a run whose local mode is gone, and no one else's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slm-run-'));
    const leftover = idler('dead01');
    const worker = idler('dead01');
    // Same pid and start time as recorded, but not of that run: a pid reused by someone else.
    const stranger = idler();
    const ofLiveRun = idler('live01');
    const write = (run: RunFile) => writeFileSync(join(dir, `run-${run.runId}.json`), JSON.stringify(run));
    write({
      runId: 'dead01',
      bootId: bootId(),
      owner: await deadOwner(),
      children: [
        entryFor(leftover, 'dead01'),
        entryFor(worker, 'dead01', { role: 'worker' }),
        entryFor(stranger, 'dead01'),
      ],
    });
    write({
      runId: 'live01',
      bootId: bootId(),
      owner: { pid: process.pid, startTime: startTimeOf(process.pid)! },
      children: [entryFor(ofLiveRun, 'live01')],
    });

    const ended = await endLeftovers(dir, { workerGraceMs: 10_000, otherGraceMs: 10_000 });

    expect([...ended.keys()]).toEqual(['dead01']);
    expect(
      ended
        .get('dead01')!
        .map((c) => c.pid)
        .sort(),
    ).toEqual([leftover.pid, worker.pid].sort());
    await Promise.all([exitOf(leftover), exitOf(worker)]);
    expect(leftover.signalCode).toBe('SIGTERM');
    expect(alive(stranger)).toBe(true);
    expect(alive(ofLiveRun)).toBe(true);
    expect(existsSync(join(dir, 'run-dead01.json'))).toBe(false);
    expect(existsSync(join(dir, 'run-live01.json'))).toBe(true);
  });

  it('SIGKILLs a leftover that outlasts its grace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slm-run-'));
    const stubborn = spawn(
      process.execPath,
      [
        '-e',
        "process.on('SIGTERM', () => {}); console.log('ignoring SIGTERM'); setInterval(() => {}, 1000)",
        'slm-fleet-test-idler',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, [RUN_ENV]: 'dead02' } },
    );
    spawned.push(stubborn);
    // Until its SIGTERM handler is in place, a SIGTERM would end it anyway.
    await new Promise((resolve) => stubborn.stdout!.once('data', resolve));
    writeFileSync(
      join(dir, 'run-dead02.json'),
      JSON.stringify({
        runId: 'dead02',
        bootId: bootId(),
        owner: await deadOwner(),
        children: [entryFor(stubborn, 'dead02')],
      } satisfies RunFile),
    );
    await endLeftovers(dir, { workerGraceMs: 200, otherGraceMs: 200 });
    await exitOf(stubborn);
    expect(stubborn.signalCode).toBe('SIGKILL');
  });
});
