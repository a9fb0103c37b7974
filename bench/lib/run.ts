// Child processes with a bound: every command has a timeout, and a failure names the
// command and the end of its stderr.
import { spawn } from 'node:child_process';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs: number;
  /** Pass stderr through (progress messages) instead of capturing it. */
  inheritStderr?: boolean;
}

export class CommandError extends Error {}

const tail = (text: string, lines = 20): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs a command to completion; resolves with its stdout, rejects on a non-zero exit or the timeout. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${shown}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString();
      if (timedOut) {
        reject(new CommandError(`timed out after ${options.timeoutMs / 1000}s: ${shown}\n${tail(err)}`));
      } else if (code !== 0) {
        reject(new CommandError(`exited with ${code ?? signal}: ${shown}\n${tail(err)}`));
      } else {
        resolve(Buffer.concat(stdout).toString());
      }
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` about once a `periodMs` until it returns a value; throws `what` on the deadline. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  periodMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = Date.now();
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s: ${what}`);
    await sleep(Math.max(0, periodMs - (Date.now() - started)));
  }
}
