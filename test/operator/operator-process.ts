// Runs the real operator (the slm-fleet executable) for one suite: its namespace only, its
// own Lease, a config file the suite writes (GPU profiles pointing at the suite's nodes).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { eventually, slmFleetBin, type SuiteEnv } from '@slm-fleet/testing';

export interface OperatorProcess {
  child: ChildProcess;
  port: number;
  logs: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  metrics: () => Promise<string>;
}

export async function writeOperatorConfig(env: SuiteEnv, config: Record<string, unknown>): Promise<string> {
  const path = join(env.kubeconfigPath, '..', `operator-${Math.random().toString(36).slice(2, 8)}.yaml`);
  const full = {
    namespaces: [env.namespace],
    leaderElection: { namespace: env.namespace, leaseName: 'slm-fleet-operator' },
    worker: { image: 'registry.invalid/slm-fleet:test' },
    resyncSeconds: 30,
    ...config,
  };
  await writeFile(path, stringify(full));
  return path;
}

/** Starts `slm-fleet operator`; its autoscaler reads the suite's Redis under the suite's prefix. */
export async function startOperator(env: SuiteEnv, configPath: string): Promise<OperatorProcess> {
  const args = ['operator', '--http-port', '0', '--kubeconfig', env.kubeconfigPath, '--config', configPath];
  const redis = ['--redis-url', env.redisUrl, '--queue-prefix', env.queuePrefix];
  const child = spawn(process.execPath, [slmFleetBin, ...args, ...redis], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      const message = (JSON.parse(line) as { message?: { msg?: string; port?: number } }).message;
      if (message?.msg === 'listening' && message.port) resolve(message.port);
    });
    void exited.then((code) => reject(new Error(`operator exited with ${code}:\n${logs.join('\n')}`)));
  });
  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return { child, port, logs, exited, metrics };
}

/** Stops an operator (SIGTERM: graceful, releases its lease) and waits for it to exit. */
export async function stopOperator(
  operator: OperatorProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!operator || operator.child.exitCode !== null) return;
  operator.child.kill(signal);
  await operator.exited;
}

export const isLeader = async (operator: OperatorProcess): Promise<boolean> =>
  /^slm_fleet_operator_leader 1$/m.test(await operator.metrics());

/** Waits until the suite's Specialist has the Ready condition with this reason. */
export async function waitForReadyReason(env: SuiteEnv, name: string, reason: string): Promise<void> {
  await eventually(async () => {
    const out = await env.kubectl(
      'get',
      'specialist',
      name,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].reason}',
    );
    if (out !== reason) throw new Error(`Specialist ${name} Ready reason is "${out}", want "${reason}"`);
  });
}
