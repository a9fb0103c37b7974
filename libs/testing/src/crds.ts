import { join } from 'node:path';
import { repoRoot } from './platform.js';
import type { SuiteEnv } from './suite-env.js';

/** Installs (server-side apply, idempotent) the generated CRDs and waits until they serve. */
export async function installCrds(env: SuiteEnv): Promise<void> {
  await env.kubectl('apply', '--server-side', '--force-conflicts', '-f', join(repoRoot, 'crds'));
  await env.kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/specialists.slm.dev',
    'crd/agenttasks.slm.dev',
  );
}

export interface FakeGpuNode {
  name: string;
  /** The nvidia.com/gpu.product label a GPU profile selects on. */
  product: string;
  gpus: number;
}

/**
 * Adds kwok GPU nodes of the suite's own (a product label nobody else uses), so a test that
 * fills GPUs does not race other suites for the platform's shared nodes. Returns a cleanup.
 */
export async function addGpuNodes(env: SuiteEnv, nodes: FakeGpuNode[]): Promise<() => Promise<void>> {
  const manifests = nodes.map((n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/hostname': n.name,
        type: 'kwok',
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': n.product,
      },
    },
    spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': String(n.gpus) },
      allocatable: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': String(n.gpus) },
    },
  }));
  for (const manifest of manifests) await env.apply(JSON.stringify(manifest));
  await env.kubectl('wait', '--for=condition=Ready', '--timeout=60s', ...nodes.map((n) => `node/${n.name}`));
  return async () => {
    await env.kubectl('delete', 'node', '--wait=false', ...nodes.map((n) => n.name));
  };
}
