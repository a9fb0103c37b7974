// The private platform the data-plane benchmark runs on: Redis for the queues, and an API
// server with the CRDs and the benchmark's Specialists (the router reads its routes from
// them). No GPU nodes and no operator: the engines are simulator processes on this machine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '../platform.js';

export const NAMESPACE = 'bench';

/** Specialist -> the one task it lists (no AgentTasks: a Specialist's own task routes to it). */
export const SPECIALISTS = { overhead: 'overhead-task', tail: 'tail-task' } as const;

const specialistYaml = (name: string, task: string): string => `apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  model: {uri: hf://sim/model, servedName: sim-model}
  engine: {kind: vllm}
  resources: {gpu: {count: 1}}
  tasks: [${task}]
`;

export interface DataPlanePlatform {
  redisUrl: string;
  /** Redis's PID, for its CPU time. */
  redisPid: number;
}

export async function bringUp(platform: Platform, repoRoot: string): Promise<DataPlanePlatform> {
  // kwok needs at least one node to report ready; no GPU nodes are needed.
  await platform.up({ l4: 0, h100: 0, cpu: 1 }, 30 * 60_000);
  await platform.kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(repoRoot, 'crds')]);
  await platform.kubectl(['wait', '--for=condition=Established', '--timeout=120s', 'crd/specialists.slm.dev']);
  await platform.kubectl(['create', 'namespace', NAMESPACE]);
  const manifests = Object.entries(SPECIALISTS).map(([name, task]) => specialistYaml(name, task));
  await platform.kubectl(['apply', '--server-side', '-f', '-'], { input: manifests.join('---\n') });
  const redisPid = Number((await readFile(join(platform.runDir, 'pids', 'redis.pid'), 'utf8')).trim());
  return { redisUrl: `redis://127.0.0.1:${await platform.port('redis')}`, redisPid };
}
