// Proves the local platform is real: the scheduler places GPU pods on kwok GPU nodes, refuses
// what does not fit, the API server enforces CEL rules, and BullMQ runs on the platform's Redis.
import { Queue, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { eventually, useSuiteEnv } from '@slm-fleet/testing';

interface PodList {
  items: {
    spec: { nodeName?: string };
    status: { phase: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
  }[];
}

describe('local platform', () => {
  const env = useSuiteEnv('smoke');

  it('schedules a Deployment asking nvidia.com/gpu: 2 onto GPU nodes, pods Running', async () => {
    await env().apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: gpu-smoke}
spec:
  replicas: 2
  selector: {matchLabels: {app: gpu-smoke}}
  template:
    metadata: {labels: {app: gpu-smoke}}
    spec:
      containers:
      - name: engine
        image: registry.invalid/engine:1
        resources: {limits: {nvidia.com/gpu: "2"}}
`);
    const pods = await eventually(async () => {
      const list = JSON.parse(await env().kubectl('get', 'pods', '-l', 'app=gpu-smoke', '-o', 'json')) as PodList;
      expect(list.items.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
      return list.items;
    });
    for (const pod of pods) {
      const labels = JSON.parse(
        await env().kubectl('get', 'node', pod.spec.nodeName!, '-o', 'jsonpath={.metadata.labels}'),
      ) as Record<string, string>;
      expect(labels['nvidia.com/gpu.present']).toBe('true');
    }
  });

  it('leaves a pod asking more GPUs than any node has Pending, with the scheduler reason', async () => {
    await env().apply(`
apiVersion: v1
kind: Pod
metadata: {name: too-many-gpus}
spec:
  containers:
  - name: engine
    image: registry.invalid/engine:1
    resources: {limits: {nvidia.com/gpu: "9"}}
`);
    const condition = await eventually(async () => {
      const pod = JSON.parse(await env().kubectl('get', 'pod', 'too-many-gpus', '-o', 'json')) as PodList['items'][0];
      const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
      expect(scheduled?.status).toBe('False');
      return { phase: pod.status.phase, ...scheduled };
    });
    expect(condition.phase).toBe('Pending');
    expect(condition.reason).toBe('Unschedulable');
    expect(condition.message).toContain('Insufficient nvidia.com/gpu');
  });

  it('rejects an object that breaks a CRD CEL rule with the rule message', async () => {
    const group = `${env().namespace}.smoke.slm.dev`;
    await env().apply(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: replicabounds.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {kind: ReplicaBounds, plural: replicabounds, singular: replicabounds}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
            x-kubernetes-validations:
            - rule: self.minReplicas <= self.maxReplicas
              message: minReplicas must not exceed maxReplicas
`);
    try {
      await env().kubectl('wait', '--for=condition=Established', `crd/replicabounds.${group}`, '--timeout=60s');
      const object = (min: number, max: number, name: string): string =>
        JSON.stringify({
          apiVersion: `${group}/v1`,
          kind: 'ReplicaBounds',
          metadata: { name },
          spec: { minReplicas: min, maxReplicas: max },
        });
      await expect(env().apply(object(1, 3, 'good'))).resolves.toContain('created');
      await expect(env().apply(object(5, 3, 'bad'))).rejects.toThrow(
        /ReplicaBounds "bad" is invalid: spec: Invalid value: .*minReplicas must not exceed maxReplicas/,
      );
    } finally {
      await env().kubectl('delete', 'crd', `replicabounds.${group}`, '--wait=false');
    }
  });

  it("runs a BullMQ job through a worker on the platform's Redis", async () => {
    const prefix = env().redisPrefix.slice(0, -1); // BullMQ adds its own ':' separator
    const queue = new Queue<{ a: number; b: number }, number>('smoke', { connection: env().redis(), prefix });
    const worker = new Worker<{ a: number; b: number }, number>('smoke', async (job) => job.data.a + job.data.b, {
      connection: env().redis(),
      prefix,
    });
    try {
      const completed = new Promise<string>((resolve) => worker.on('completed', (job) => resolve(job.id!)));
      const job = await queue.add('add', { a: 2, b: 3 }, { jobId: 'call-1' });
      expect(await completed).toBe(job.id);
      const stored = await queue.getJob('call-1');
      expect(stored?.returnvalue).toBe(5);
      expect(await stored?.getState()).toBe('completed');
      expect(await env().redis().keys(`${prefix}:smoke:*`)).not.toHaveLength(0);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
