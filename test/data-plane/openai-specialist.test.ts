// An `engine.kind: openai` Specialist end to end: a real router, a worker started as the
// operator starts one for an external endpoint (the openai flags, the key in
// SLM_FLEET_ENGINE_API_KEY), and the engine simulator standing in for the endpoint with an API
// key of its own. What reached the endpoint, and when, is read from the simulator's request
// log, never from the test's own clock.
import { readFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  RouterClient,
  failureOf,
  setSimFaults,
  simStats,
  spawnFleet,
  startRouter,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

const KEY = 'sk-openai-specialist-test-0123456789abcdef';
const WRONG_KEY = 'sk-not-the-endpoint-key-9876543210fedcba';

/** An openai Specialist: a model name, an endpoint URL and a key Secret; no GPU, no pod. */
const openaiSpecialist = (name: string, task: string, url: string) => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: sim-model}
  engine:
    kind: openai
    url: ${url}
    maxConcurrency: 2
    secretRef: {name: llm-key, key: apiKey}
  tasks: [${task}]
`;

describe('an openai Specialist served through the queue', () => {
  const env = useSuiteEnv('openai-specialist');
  const processes: FleetProcess[] = [];
  let endpoint: FleetProcess;
  let worker: FleetProcess;
  let refusedWorker: FleetProcess;
  let client: RouterClient;

  const simUrl = (path: string) => `http://127.0.0.1:${endpoint.port}${path}`;
  const stats = () => simStats(endpoint);
  const faults = (switches: Record<string, number>) => setSimFaults(endpoint, switches);
  /** A worker as the operator runs one for an openai Specialist: the key in its environment, never its arguments. */
  const openaiWorker = (specialist: string, key: string) =>
    spawnFleet(
      `worker ${specialist}`,
      [
        'worker',
        '--specialist',
        `${env().namespace}/${specialist}`,
        '--engine-url',
        simUrl('/v1'),
        '--model',
        'sim-model',
        '--concurrency',
        '4',
        '--endpoint-concurrency',
        '2',
        '--redis-url',
        env().redisUrl,
        '--queue-prefix',
        env().queuePrefix,
      ],
      { SLM_FLEET_ENGINE_API_KEY: key },
    );

  beforeAll(async () => {
    await installCrds(env());
    // The endpoint: its key in a variable the simulator is told the name of; 300 ms to the first
    // token, so concurrent calls overlap there.
    endpoint = await spawnFleet(
      'engine-sim (endpoint)',
      ['engine-sim', '--model', 'sim-model', '--ttft', '300ms', '--output-tokens', '8', '--api-key-env', 'LLM_KEY'],
      { LLM_KEY: KEY },
    );
    processes.push(endpoint);
    await env().apply(openaiSpecialist('large', 'ask-large', simUrl('/v1')));
    await env().apply(openaiSpecialist('large-wrong-key', 'ask-wrong-key', simUrl('/v1')));
    worker = await openaiWorker('large', KEY);
    refusedWorker = await openaiWorker('large-wrong-key', WRONG_KEY);
    processes.push(worker, refusedWorker);
    const router = await startRouter(env());
    processes.push(router);
    client = new RouterClient(router.grpcPort);
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('completes calls through the queue, with the key the endpoint asks for', async () => {
    const response = await client.invoke(
      { task: 'ask-large', prompt: 'Summarize: the cat sat.' },
      { deadlineMs: 30_000 },
    );
    expect(response.output).not.toBe('');
    expect(response.answeredBy).toMatchObject({ specialist: `${env().namespace}/large`, model: 'sim-model' });
  });

  it('keeps at most --endpoint-concurrency calls at the endpoint: 6 at once, never more than 2 there', async () => {
    const before = (await stats()).completed;
    const calls = Array.from({ length: 6 }, (_, i) =>
      client.invoke({ task: 'ask-large', prompt: `call ${i}` }, { deadlineMs: 60_000 }),
    );
    const answers = await Promise.all(calls);
    expect(answers.every((answer) => answer.output !== '')).toBe(true);
    const after = await stats();
    expect(after.completed - before).toBe(6);
    expect(after.peakInFlight).toBe(2);
  });

  it('honours Retry-After: nothing reaches the endpoint within it after a 429, and the call completes after', async () => {
    await faults({ rateLimitRate: 1, retryAfterSeconds: 1 });
    const call = client.invoke({ task: 'ask-large', prompt: 'patience' }, { deadlineMs: 60_000 });
    try {
      await eventually(async () => expect((await stats()).rateLimited).toBeGreaterThanOrEqual(3), {
        timeoutMs: 30_000,
      });
    } finally {
      await faults({ rateLimitRate: 0 });
    }
    expect((await call).output).not.toBe('');
    const { recent } = await stats();
    const gaps = recent.flatMap((record, i) => {
      const next = recent[i + 1];
      return record.status === 429 && next ? [next.receivedAt - record.receivedAt] : [];
    });
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
  });

  it('with a wrong key, fails calls at once with a clear error that holds no key; no log or argument holds it', async () => {
    const failure = await failureOf(client.invoke({ task: 'ask-wrong-key', prompt: 'hi' }, { deadlineMs: 30_000 }));
    expect(failure.code).toBe(status.UNAVAILABLE);
    expect(failure.reason).toBe('SPECIALIST_FAILED');
    expect(failure.details).toContain('HTTP 401 (the API key is missing or refused)');
    for (const key of [KEY, WRONG_KEY]) expect(failure.details).not.toContain(key);

    // The worker said why, and its readiness says so too.
    await eventually(async () => expect(refusedWorker.logs.join('\n')).toContain('refuses the API key'));
    const ready = await fetch(`http://127.0.0.1:${refusedWorker.port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain('refuses the API key');
    for (const process of [worker, refusedWorker, endpoint]) {
      const logs = process.logs.join('\n');
      const args = readFileSync(`/proc/${process.child.pid}/cmdline`, 'utf8');
      for (const key of [KEY, WRONG_KEY]) {
        expect(logs).not.toContain(key);
        expect(args).not.toContain(key);
      }
    }
  });
});
