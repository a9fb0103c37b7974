// One `slm-fleet <subcommand>` child process as tests run it: the real executable, its JSON
// log lines kept (for failure messages), its HTTP port read from the `listening` log line.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './platform.js';

/** The slm-fleet executable (runs apps/cli/dist: `npm run build` first). */
export const slmFleetBin = join(repoRoot, 'apps', 'cli', 'bin', 'slm-fleet.js');

/** Lines kept per process; older ones are dropped (a long load test logs a lot). */
const MAX_LOG_LINES = 5000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  /** A label for logs and errors, such as `worker pod-abc`. */
  name: string;
  child: ChildProcess;
  pid: number;
  /** The HTTP port it listens on (probes, metrics; the OpenAI API on a simulator). */
  port: number;
  /** stdout and stderr lines, oldest first (at most the last 5000). */
  logs: string[];
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<ProcessExit>;
  /** Set once exited. */
  exit: ProcessExit | undefined;
  /**
   * Sends `signal` (SIGTERM: graceful) and waits for the exit; SIGKILLs after `graceMs`, as
   * the kubelet does after a pod's termination grace period.
   */
  stop: (graceMs: number, signal?: NodeJS.Signals) => Promise<ProcessExit>;
}

interface JsonLogLine {
  message?: { msg?: unknown; port?: unknown };
}

function listeningPort(line: string): number | undefined {
  let parsed: JsonLogLine;
  try {
    parsed = JSON.parse(line) as JsonLogLine;
  } catch {
    return undefined;
  }
  const message = parsed.message;
  return message?.msg === 'listening' && typeof message.port === 'number' ? message.port : undefined;
}

/**
 * Starts `slm-fleet <args>` (args include the subcommand) and resolves once it logs that it
 * listens. Rejects, with its output, if it exits first.
 */
export function spawnCli(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliProcess> {
  const child = spawn(process.execPath, [slmFleetBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const logs: string[] = [];
  const keep = (line: string): void => {
    logs.push(line);
    if (logs.length > MAX_LOG_LINES) logs.splice(0, logs.length - MAX_LOG_LINES);
  };
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    // 'close' rather than 'exit': by then stdout and stderr are read to the end.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  return new Promise<CliProcess>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${name}: could not start ${slmFleetBin}: ${error.message}`)));
    createInterface({ input: child.stderr }).on('line', (line) => keep(`[stderr] ${line}`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      const port = listeningPort(line);
      if (port === undefined || child.pid === undefined) return;
      const stop = async (graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> => {
        if (exit) return exit;
        child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(killer);
        }
      };
      resolve({
        name,
        child,
        pid: child.pid,
        port,
        logs,
        exited,
        get exit() {
          return exit;
        },
        stop,
      });
    });
    void exited.then((result) =>
      reject(
        new Error(
          `${name} exited (code ${result.code}, signal ${result.signal}) before listening:\n${logs.join('\n')}`,
        ),
      ),
    );
  });
}
