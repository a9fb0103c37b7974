import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One `slm-fleet <subcommand>` process local mode runs: a worker or an engine simulator. */
export interface ChildService {
  name: string;
  child: ChildProcess;
  /** The HTTP port it logged it listens on. */
  port: number;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** The last lines it printed, for an error message. */
  recentOutput: () => string;
}

const KEEP_LINES = 40;
/** A worker waits for nothing at start (it waits for its engine while serving), so this is generous. */
const START_TIMEOUT_MS = 60_000;

export interface ChildServiceOptions {
  /** Added to local mode's environment (a value `undefined` removes the variable). */
  env?: NodeJS.ProcessEnv;
  /** Told of the child as soon as it is spawned, before anything is awaited (run-record.ts). */
  spawned?: (child: ChildProcess) => void;
}

/**
 * Starts `node <cli> <args> --http-port 0` and resolves once it logs `listening` (its JSON
 * log line names the port). Its own process group, so a Ctrl-C in the terminal reaches only
 * local mode, which then stops its children in order (workers drain before engines stop);
 * run-record.ts says how they are ended when local mode dies without stopping them.
 */
export function startChildService(
  name: string,
  cliPath: string,
  args: string[],
  options: ChildServiceOptions = {},
): Promise<ChildService> {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...options.env }).filter(([, value]) => value !== undefined),
  );
  const child = spawn(process.execPath, [cliPath, ...args, '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its `listening` line is how the port is learnt: whatever level local mode logs at.
    env: { ...env, SLM_FLEET_LOG_LEVEL: 'log' },
    detached: true,
  });
  options.spawned?.(child);
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > KEEP_LINES) lines.shift();
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error(`${name}: no output pipes`); // stdio 'pipe' always gives them
  createInterface({ input: stderr }).on('line', remember);
  const recentOutput = () => lines.join('\n');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s:\n${recentOutput()}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: stdout }).on('line', (line) => {
      remember(line);
      const port = listeningPort(line);
      if (!port) return;
      clearTimeout(timer);
      resolve({ name, child, port, exited, recentOutput });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${recentOutput()}`));
    });
  });
}

/** Stops a child with SIGTERM (graceful), then SIGKILL if it has not exited within `graceMs`. */
export async function stopChildService(service: ChildService, graceMs: number): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
}

function listeningPort(line: string): number | undefined {
  try {
    const message = (JSON.parse(line) as { message?: { msg?: string; port?: number } }).message;
    return message?.msg === 'listening' ? message.port : undefined;
  } catch {
    return undefined; // not a JSON log line
  }
}
