// `slm-fleet local` as a user runs it: no Kubernetes, Specialists from YAML files, its own
// redis-server (no REDIS_URL given), worker and simulator processes scaled by the autoscaler.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@slm-fleet/testing';
import { RouterClient } from '../data-plane/fleet.js';
import { accepts, processesOf, startLocal } from './local-process.js';

describe('slm-fleet local', () => {
  const tag = Math.random().toString(36).slice(2, 7);
  const name = `quick-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'slm-local-'));
  writeFileSync(
    join(dir, 'fleet.yaml'),
    `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata:
  name: ${name}
  annotations: {local.slm.dev/simulator-args: "--ttft 0ms --tpot 50ms --output-tokens 20"}
spec:
  model: {uri: hf://sim/quick, servedName: quick-model}
  engine: {kind: vllm, maxConcurrency: 1}
  resources: {gpu: {count: 1}}
  tasks: [quick-task]
  scaling: {minReplicas: 0, maxReplicas: 4, targetQueuePerReplica: 1, scaleDownDelaySeconds: 4}
`,
  );
  let local: ReturnType<typeof startLocal> | undefined;
  let client: RouterClient | undefined;
  const running = () => {
    if (!local || !client) throw new Error('local mode did not start');
    return { local, client };
  };

  beforeAll(async () => {
    local = startLocal(dir);
    client = new RouterClient(await local.grpcPort);
  });
  afterAll(async () => {
    client?.close();
    if (local && local.child.exitCode === null) {
      local.child.kill('SIGKILL');
      await local.exited;
    }
  });

  it('starts a Redis of its own when no REDIS_URL is given', async () => {
    await eventually(async () => expect(running().local.startedRedis()).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/));
    expect(await accepts(Number(new URL(running().local.startedRedis()).port))).toBe(true);
  });

  it('answers a call at zero replicas: it scales the Specialist from zero', async () => {
    const answer = await running().client.invoke({ task: 'quick-task', prompt: 'hello' }, { deadlineMs: 60_000 });
    // A replica's name carries the run's id, so a restart never reuses one.
    expect(running().local.runId()).toMatch(/^[0-9a-f]{6}$/);
    expect(answer.answeredBy?.replica).toBe(`${name}-${running().local.runId()}-0`);
    expect(running().local.scaled()[0]).toMatchObject({ specialist: `local/${name}`, from: 0, to: 1 });
  });

  it('adds worker processes for a backlog, then goes back to zero when idle', async () => {
    // Backlogs of 8 calls (a second each, one at a time per worker), until one is spread over
    // several workers: the replicas added for the first take a while to start on a loaded
    // machine, and the first backlog may be over by then.
    let round = 0;
    const failed: string[] = [];
    await eventually(
      async () => {
        const calls = Array.from({ length: 8 }, (_, i) =>
          running()
            .client.invoke({ task: 'quick-task', prompt: `call ${round}.${i}` }, { deadlineMs: 90_000 })
            .catch((error: unknown) => void failed.push(String(error))),
        );
        round++;
        const answers = await Promise.all(calls);
        expect(new Set(answers.map((a) => a?.answeredBy?.replica)).size).toBeGreaterThan(1);
      },
      { timeoutMs: 180_000 },
    );
    expect(failed).toEqual([]);
    expect(
      Math.max(
        ...running()
          .local.scaled()
          .map((s) => s.to),
      ),
    ).toBe(4);
    await eventually(async () => expect(running().local.scaled().at(-1)).toMatchObject({ to: 0 }), {
      timeoutMs: 60_000,
    });
    await eventually(async () => expect(processesOf(`--specialist local/${name}`)).toEqual([]));
  }, 300_000);

  it('stops everything on SIGTERM, its own Redis included, and exits 0', async () => {
    await running().client.invoke({ task: 'quick-task', prompt: 'one more' }, { deadlineMs: 60_000 });
    expect(processesOf(`--specialist local/${name}`).length).toBeGreaterThan(0);
    running().local.child.kill('SIGTERM');
    expect(await running().local.exited).toBe(0);
    expect(processesOf(`--specialist local/${name}`)).toEqual([]);
    expect(processesOf(`--model quick-model`)).toEqual([]);
    const redis = new URL(running().local.startedRedis());
    expect(await accepts(Number(redis.port))).toBe(false);
  });

  it('refuses resources that are not valid, naming the file and the field', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'slm-local-bad-'));
    writeFileSync(
      join(bad, 'bad.yaml'),
      'apiVersion: slm.dev/v1alpha1\nkind: Specialist\nmetadata: {name: bad}\nspec: {engine: {kind: vllm}}\n',
    );
    const run = startLocal(bad);
    expect(await run.exited).toBe(1);
    expect(run.output.join('\n')).toMatch(
      /bad\.yaml \(document 1\): Specialist bad: spec\.model: must have required property/,
    );
  });
});
