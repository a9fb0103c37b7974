import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { freePort } from '@slm-fleet/service';
import type { RunRecord } from './run-record.js';

/** A throwaway Redis for local mode when no REDIS_URL is given: loopback, no persistence, a password. */
export interface LocalRedis {
  /** With the password: for local mode and (through REDIS_URL) its workers only. */
  url: string;
  /** Without the password, for the log. */
  address: string;
  stop: () => Promise<void>;
}

/**
 * Starts `redis-server -` with its configuration on stdin: the generated password (any local
 * user could otherwise reach the queues on 127.0.0.1) is on no command line, in no file. Its
 * process title (`redis-server 127.0.0.1:<port>`, every Redis version) names its port, which a
 * later run checks with its start time before ending it as a leftover (run-record.ts).
 */
export async function startLocalRedis(run: RunRecord): Promise<LocalRedis> {
  const port = await freePort();
  const password = randomBytes(24).toString('hex');
  const config = [
    `port ${port}`,
    'bind 127.0.0.1',
    'save ""',
    'appendonly no',
    'maxmemory-policy noeviction',
    `requirepass ${password}`,
  ].join('\n');
  const child = spawn('redis-server', ['-'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  run.track(child, 'redis', 'redis-server', [`redis-server 127.0.0.1:${port}`]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start redis-server (${error.message}): install it, or give --redis-url / REDIS_URL`)),
    );
    child.stdin?.on('error', () => undefined); // an early exit is reported below
    child.stdin?.end(`${config}\n`);
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      // Read to the end, so its log never fills the pipe; the first lines are kept for an error.
      createInterface({ input: stream }).on('line', (line) => {
        if (output.length < 40) output.push(line.replaceAll(password, '***'));
        if (line.includes('Ready to accept connections')) resolve();
      });
    }
    void exited.then(() => reject(new Error(`redis-server exited at start:\n${output.join('\n')}`)));
  });
  const address = `redis://127.0.0.1:${port}`;
  return { url: `redis://:${password}@127.0.0.1:${port}`, address, stop: () => stopProcess(child, exited) };
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
