// Runs `slm-fleet local` (the built CLI) as a user does and reads its JSON log; plus what the
// local-mode suites ask of /proc about its processes.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { slmFleetBin } from '@slm-fleet/testing';

export type LogMessage = Record<string, unknown> & { msg?: string };

export interface Scaled {
  specialist: string;
  from: number;
  to: number;
}

/**
 * Starts `slm-fleet local --no-demo` on free ports, its own Redis (no REDIS_URL), deciding every
 * second; collects its log lines. `grpcPort` resolves once the router serves gRPC.
 */
export function startLocal(resources: string, extraArgs: string[] = [], extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env['REDIS_URL'];
  const child = spawn(
    process.execPath,
    [
      slmFleetBin,
      'local',
      '--no-demo',
      '--resources',
      resources,
      '--grpc-port',
      '0',
      '--http-port',
      '0',
      '--interval-seconds',
      '1',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const messages: LogMessage[] = [];
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const grpcPort = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      try {
        const message = (JSON.parse(line) as { message?: unknown }).message;
        if (typeof message !== 'object' || message === null) return;
        messages.push(message as LogMessage);
        if ((message as LogMessage).msg === 'grpc listening') resolve(Number((message as LogMessage)['port']));
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`local exited with ${code}:\n${output.join('\n')}`)));
  });
  grpcPort.catch(() => undefined); // a failed start is what some tests expect
  const logged = (msg: string, fields: Record<string, unknown> = {}) =>
    messages.filter((m) => m.msg === msg && Object.entries(fields).every(([key, value]) => m[key] === value));
  /** The `local mode serving` line, once logged. */
  const serving = () => logged('local mode serving')[0];
  return {
    child,
    messages,
    output,
    exited,
    grpcPort,
    logged,
    scaled: () => logged('scaled') as unknown as Scaled[],
    serving,
    /** The run id, once serving. */
    runId: () => String(serving()?.['run'] ?? ''),
    /** The address of the Redis it started (no password), once serving. */
    startedRedis: () => String(serving()?.['startedRedis'] ?? ''),
    /** The latest counts of a Specialist's replicas. */
    counts: (specialist: string) =>
      logged('replicas', { specialist }).at(-1) as { ready: number; asked: number } | undefined,
  };
}

export type LocalProcess = ReturnType<typeof startLocal>;

/** Command lines (`ps -eo args`) holding `marker`. */
export const processesOf = (marker: string): string[] =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker));

/** A process, named by its pid and when it started, so a reused pid is not mistaken for it. */
export interface ProcessId {
  pid: number;
  startTime: string;
}

/** Its start time (field 22 of /proc/<pid>/stat); undefined once it has exited (a zombie too). */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export const isRunning = ({ pid, startTime }: ProcessId): boolean => startTimeOf(pid) === startTime;

/** The processes whose parent is `pid`. */
export function childrenOf(pid: number): ProcessId[] {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);
  return pids.flatMap((child) => {
    const startTime = startTimeOf(child);
    return startTime ? [{ pid: child, startTime }] : [];
  });
}

/** Its command line, the arguments joined by spaces. */
export const commandLineOf = (pid: number): string =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

/** One variable of the environment it started with. */
export function environmentOf(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Whether something listens on a loopback port. */
export const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Sends raw RESP commands to a Redis on a loopback port; resolves with what it answered. */
export const redisSays = (port: number, commands: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.once('connect', () => socket.end(commands));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
  });
