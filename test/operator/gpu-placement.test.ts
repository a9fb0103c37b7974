// GPUs as the scheduler sees them: a Specialist that asks more than the nodes have is
// Degraded/InsufficientGPU, and an ordered list of GPU profiles places pods on the next GPU
// type when the first has no room. The suite brings its own kwok GPU nodes, so other suites
// cannot take the GPUs it counts on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGpuNodes, eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  startOperator,
  stopOperator,
  waitForReadyReason,
  writeOperatorConfig,
  type OperatorProcess,
} from './operator-process.js';

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase: string };
}

describe('GPU placement', () => {
  const env = useSuiteEnv('gpu');
  let operator: OperatorProcess | undefined;
  let removeNodes: (() => Promise<void>) | undefined;
  const tag = Math.random().toString(36).slice(2, 7);
  const l4 = `T-${tag}-L4`;
  const h100 = `T-${tag}-H100`;

  const specialist = (name: string, gpus: number, profiles: string[], replicas: number) => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://meta-llama/Llama-3.1-70B-Instruct}
  engine: {kind: vllm}
  resources: {gpu: {count: ${gpus}, profiles: [${profiles.join(', ')}]}}
  tasks: [plan]
  replicas: ${replicas}
  scaling: {minReplicas: 1, maxReplicas: 3}
`;
  const podsOf = async (name: string): Promise<Pod[]> =>
    (
      JSON.parse(await env().kubectl('get', 'pods', '-l', `slm.dev/specialist=${name}`, '-o', 'json')) as {
        items: Pod[];
      }
    ).items;
  const productOf = async (node: string): Promise<string> =>
    env().kubectl('get', 'node', node, '-o', 'jsonpath={.metadata.labels.nvidia\\.com/gpu\\.product}');

  beforeAll(async () => {
    await installCrds(env());
    removeNodes = await addGpuNodes(env(), [
      { name: `t-${tag}-l4-0`, product: l4, gpus: 8 },
      { name: `t-${tag}-l4-1`, product: l4, gpus: 8 },
      { name: `t-${tag}-h100-0`, product: h100, gpus: 8 },
    ]);
    const profile = (name: string, product: string) => ({
      name,
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.product': product },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const config = await writeOperatorConfig(env(), {
      gpuProfiles: [profile('test-l4', l4), profile('test-h100', h100)],
      defaultGpuProfiles: ['test-l4'],
    });
    operator = await startOperator(env(), config);
  });
  afterAll(async () => {
    await stopOperator(operator);
    await removeNodes?.();
  });

  it('prefers the first profile while it has room', async () => {
    await env().apply(specialist('prefers-l4', 1, ['test-l4', 'test-h100'], 1));
    await waitForReadyReason(env(), 'prefers-l4', 'AllReplicasReady');
    const [pod] = await podsOf('prefers-l4');
    expect(await productOf(pod!.spec.nodeName!)).toBe(l4);
    await env().kubectl('delete', 'specialist', 'prefers-l4');
    await eventually(async () => expect(await podsOf('prefers-l4')).toEqual([]));
  });

  it('is Degraded/InsufficientGPU when the profile has no room for every replica', async () => {
    await env().apply(specialist('big', 8, ['test-l4'], 3));
    await waitForReadyReason(env(), 'big', 'InsufficientGPU');
    const status = JSON.parse(await env().kubectl('get', 'specialist', 'big', '-o', 'jsonpath={.status}')) as {
      readyReplicas: number;
      desiredReplicas: number;
      conditions: { type: string; status: string; reason: string; message: string }[];
    };
    expect(status.readyReplicas).toBe(2);
    expect(status.desiredReplicas).toBe(3);
    expect(status.conditions.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InsufficientGPU',
    });
    expect(status.conditions.find((c) => c.type === 'Ready')?.message).toMatch(/Insufficient nvidia\.com\/gpu/);
    // QUEUE is empty until the autoscaler first reads the queue, then a number.
    expect(await env().kubectl('get', 'specialists', 'big')).toMatch(
      /big\s+2\s+3\s+8\s+vllm\s+(\d+\s+)?InsufficientGPU/,
    );
    const events = await env().kubectl(
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=big,reason=InsufficientGPU',
    );
    expect(events).toContain('Warning');
  });

  it('falls back to the next profile when the first is full', async () => {
    await env().apply(specialist('flexible', 8, ['test-l4', 'test-h100'], 1));
    await waitForReadyReason(env(), 'flexible', 'AllReplicasReady');
    const [pod] = await podsOf('flexible');
    expect(await productOf(pod!.spec.nodeName!)).toBe(h100);
  });

  it('recovers once GPUs free up: fewer replicas, Ready again, Degraded cleared', async () => {
    await env().kubectl('scale', 'specialist/big', '--replicas=2');
    await waitForReadyReason(env(), 'big', 'AllReplicasReady');
    // Ready can come first: the Deployment reports 2/2 ready while the informer still holds
    // the unschedulable third pod; its deletion event clears Degraded on the next reconcile.
    await eventually(async () =>
      expect(
        await env().kubectl(
          'get',
          'specialist',
          'big',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Degraded")].status}',
        ),
      ).toBe('False'),
    );
  });
});
