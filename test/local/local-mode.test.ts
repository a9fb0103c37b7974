// `slm-fleet local` as a user runs it: no Kubernetes, Specialists from YAML files, its own
// redis-server (no REDIS_URL given), worker and simulator processes scaled by the autoscaler.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, slmFleetBin } from '@slm-fleet/testing';
import { RouterClient } from '../data-plane/fleet.js';

interface Scaled {
  specialist: string;
  from: number;
  to: number;
}

/** Runs `slm-fleet local`, collecting its log lines; resolves once the router serves gRPC. */
function startLocal(resources: string) {
  const env = { ...process.env };
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
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const scaled: Scaled[] = [];
  let startedRedis = '';
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const grpcPort = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const message = (JSON.parse(line) as { message?: Record<string, unknown> }).message;
        if (message?.['msg'] === 'grpc listening') resolve(Number(message['port']));
        if (message?.['msg'] === 'scaled') scaled.push(message as unknown as Scaled);
        if (message?.['msg'] === 'local mode serving') startedRedis = String(message['startedRedis']);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`local exited with ${code}:\n${output.join('\n')}`)));
  });
  grpcPort.catch(() => undefined); // a failed start is what some tests expect
  return { child, scaled, output, exited, grpcPort, startedRedis: () => startedRedis };
}

const processesOf = (marker: string): string[] =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker));

/** Whether something listens on a loopback port. */
const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

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
    expect(answer.answeredBy?.replica).toBe(`${name}-0`);
    expect(running().local.scaled[0]).toMatchObject({ specialist: `local/${name}`, from: 0, to: 1 });
  });

  it('adds worker processes for a backlog, then goes back to zero when idle', async () => {
    const calls = Array.from({ length: 8 }, (_, i) =>
      running().client.invoke({ task: 'quick-task', prompt: `call ${i}` }, { deadlineMs: 90_000 }),
    );
    const answers = await Promise.all(calls);
    expect(Math.max(...running().local.scaled.map((s) => s.to))).toBe(4);
    expect(new Set(answers.map((a) => a.answeredBy?.replica)).size).toBeGreaterThan(1);
    await eventually(async () => expect(running().local.scaled.at(-1)).toMatchObject({ to: 0 }), { timeoutMs: 60_000 });
    await eventually(async () => expect(processesOf(`--specialist local/${name}`)).toEqual([]));
  });

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
