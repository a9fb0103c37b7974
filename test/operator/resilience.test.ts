// The operator under faults: killed mid-reconcile and restarted it converges with no
// duplicate objects; of two operators one leads, and when it dies the other takes over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  isLeader,
  startOperator,
  stopOperator,
  waitForReadyReason,
  writeOperatorConfig,
  type OperatorProcess,
} from './operator-process.js';

const specialists = (names: string[]) =>
  names
    .map(
      (name) => `---
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://Qwen/Qwen2.5-1.5B-Instruct}
  engine: {kind: vllm}
  resources: {gpu: {count: 1, profiles: [nvidia-l4, nvidia-h100]}}
  tasks: [${name}]
`,
    )
    .join('');

describe('operator resilience', () => {
  const env = useSuiteEnv('resilience');
  const running: OperatorProcess[] = [];
  let config = '';

  beforeAll(async () => {
    await installCrds(env());
    config = await writeOperatorConfig(env(), {});
  });
  afterAll(async () => {
    for (const operator of running) await stopOperator(operator);
  });

  const start = async (): Promise<OperatorProcess> => {
    const operator = await startOperator(env(), config);
    running.push(operator);
    return operator;
  };

  it('converges after being killed mid-reconcile, with exactly one of each child', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `crash-${i}`);
    const first = await start();
    await env().apply(specialists(names));
    // Kill it as soon as it has started creating children, before it can finish them all.
    await eventually(async () => expect(await env().kubectl('get', 'deployments', '-o', 'name')).toMatch(/crash-/), {
      intervalMs: 20,
    });
    first.child.kill('SIGKILL');
    await first.exited;
    await start();
    for (const name of names) await waitForReadyReason(env(), name, 'AllReplicasReady');
    const managed = async (kind: string): Promise<string[]> =>
      (
        await env().kubectl(
          'get',
          kind,
          '-l',
          'app.kubernetes.io/managed-by=slm-fleet',
          '-o',
          'jsonpath={.items[*].metadata.name}',
        )
      )
        .split(' ')
        .sort();
    for (const kind of ['deployments', 'services', 'poddisruptionbudgets'])
      expect(await managed(kind)).toEqual([...names].sort());
    // One ReplicaSet each: the restarted operator applied the same pod template, no extra rollout.
    expect(await managed('replicasets')).toHaveLength(names.length);
    await eventually(async () =>
      expect(
        (await env().kubectl('get', 'pods', '-l', 'slm.dev/specialist', '-o', 'name')).trim().split('\n'),
      ).toHaveLength(names.length),
    );
  });

  it('runs one leader of two; when the leader dies the standby takes over and reconciles', async () => {
    for (const operator of running.splice(0)) await stopOperator(operator);
    const a = await start();
    await eventually(async () => expect(await isLeader(a)).toBe(true));
    const b = await start();
    // b is up and synced, but standing by.
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${b.port}/readyz`)).status).toBe(200));
    expect(await isLeader(b)).toBe(false);
    const holder = () => env().kubectl('get', 'lease', 'slm-fleet-operator', '-o', 'jsonpath={.spec.holderIdentity}');
    const leaderIdentity = await holder();

    a.child.kill('SIGKILL'); // no release: b must wait for the lease to expire (~15 s)
    await a.exited;
    await eventually(async () => expect(await isLeader(b)).toBe(true), { timeoutMs: 60_000 });
    expect(await holder()).not.toBe(leaderIdentity);

    await env().apply(specialists(['after-failover']));
    await waitForReadyReason(env(), 'after-failover', 'AllReplicasReady');
  });
});
