// The router's gRPC API end to end: real router, worker and engine simulator processes, real
// Redis, Specialists and AgentTasks in the real API server, the generated gRPC client.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, platformEnv, toolPath, useSuiteEnv } from '@slm-fleet/testing';
import { Message } from '@slm-fleet/proto';
import {
  RouterClient,
  failureOf,
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

const run = promisify(execFile);

const agentTask = (name: string, extra = '') => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: ${name}}
spec:
  specialists: [{name: extractor, weight: 1}]
  timeoutMs: 20000
${extra}`;

const user = (content: string) => [Message.fromPartial({ role: 'user', content })];

describe('router gRPC API', () => {
  const env = useSuiteEnv('router-api');
  const processes: FleetProcess[] = [];
  let router: FleetProcess;
  let client: RouterClient;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('extractor', ['extract-invoice', 'summarize']));
    await env().apply(
      agentTask(
        'extract-invoice',
        `  output:
    jsonSchema: {type: object, required: [total, currency], properties: {total: {type: number}, currency: {type: string, enum: [EUR, USD]}}}`,
      ),
    );
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(engine);
    processes.push(await startWorker(env(), 'extractor', engine));
    router = await startRouter(env());
    processes.push(router);
    client = new RouterClient(router.grpcPort);
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('answers a unary call with output, who answered, usage and timings', async () => {
    const response = await client.invoke({ task: 'summarize', messages: user('Summarize: the cat sat.') });
    expect(response.output.length).toBeGreaterThan(0);
    expect(response.finishReason).toMatch(/stop|length/);
    expect(response.answeredBy).toMatchObject({ specialist: `${env().namespace}/extractor`, model: 'sim-model' });
    expect(response.usage?.completionTokens).toBeGreaterThan(0);
    expect(response.timings?.totalMs).toBeGreaterThan(0);
    expect(response.callId).not.toBe('');
  });

  it('streams the answer in chunks whose text adds up to the final output', async () => {
    const chunks = await client.invokeStream({ task: 'summarize', prompt: 'Tell me a story.' });
    const done = chunks.at(-1)?.done;
    expect(done).toBeDefined();
    // How many chunks depends on how the engine's tokens fall into the worker's ticks (on a
    // loaded machine, all in one): at least one carries text before the final one.
    expect(chunks.slice(0, -1).filter((c) => c.delta !== '').length).toBeGreaterThan(0);
    expect(chunks.map((c) => c.delta).join('')).toBe(done?.output);
  });

  it("validates the answer against the task's JSON schema and returns it parsed", async () => {
    const response = await client.invoke({ task: 'extract-invoice', prompt: 'Invoice: 12 EUR' });
    expect(response.json).toEqual({ total: expect.any(Number), currency: expect.stringMatching(/EUR|USD/) });
    expect(JSON.parse(response.output)).toEqual(response.json);
  });

  it('takes a JSON schema from the call over the task', async () => {
    const schema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } };
    const response = await client.invoke({ task: 'summarize', prompt: 'x', jsonSchema: JSON.stringify(schema) });
    expect(response.json).toEqual({ ok: expect.any(Boolean) });
  });

  it('lists tasks from AgentTasks and from Specialists', async () => {
    const { tasks } = await client.listTasks();
    expect(tasks.map((t) => [t.name, t.source])).toEqual([
      ['extract-invoice', 'AgentTask'],
      ['summarize', 'Specialist'],
    ]);
    expect(tasks[0]?.routes).toEqual([{ specialist: `${env().namespace}/extractor`, weight: 1, ready: false }]);
    expect(JSON.parse(tasks[0]?.jsonSchema ?? '')).toMatchObject({ required: ['total', 'currency'] });
  });

  it('picks up a new AgentTask without a restart', async () => {
    await env().apply(agentTask('classify-ticket'));
    await eventually(async () => {
      const response = await client.invoke({ task: 'classify-ticket', prompt: 'printer on fire' });
      expect(response.output).not.toBe('');
    });
  });

  it('serves grpc.health.v1 and reflection, so grpcurl can list and call it', async () => {
    const grpcurl = toolPath(await platformEnv(), 'grpcurl');
    const address = `127.0.0.1:${router.grpcPort}`;
    const { stdout: services } = await run(grpcurl, ['-plaintext', address, 'list']);
    expect(services.split('\n')).toEqual(expect.arrayContaining(['slm.v1.AgentRouter', 'grpc.health.v1.Health']));
    const { stdout: health } = await run(grpcurl, ['-plaintext', address, 'grpc.health.v1.Health/Check']);
    expect(JSON.parse(health)).toEqual({ status: 'SERVING' });
    const { stdout: answer } = await run(grpcurl, [
      '-plaintext',
      '-d',
      '{"task": "summarize", "prompt": "hello"}',
      address,
      'slm.v1.AgentRouter/Invoke',
    ]);
    expect(JSON.parse(answer)).toMatchObject({ output: expect.any(String), answeredBy: { model: 'sim-model' } });
  });

  it('runs a retried call with the same idempotency key once, and answers both with the same result', async () => {
    const request = { task: 'summarize', prompt: 'once only', idempotencyKey: `key-${Date.now()}` };
    const engineRequests = async () =>
      ((await (await fetch(`http://127.0.0.1:${processes[0]?.port}/sim/stats`)).json()) as { requests: number })
        .requests;
    const before = await engineRequests();
    const [first, second] = await Promise.all([client.invoke(request), client.invoke(request)]);
    const third = await client.invoke(request);
    expect(await engineRequests()).toBe(before + 1);
    expect(second?.callId).toBe(first?.callId);
    expect(third.callId).toBe(first?.callId);
    expect(third.output).toBe(first?.output);
    const metrics = await (await fetch(`http://127.0.0.1:${processes[1]?.port}/metrics`)).text();
    expect(metrics).toMatch(/slm_fleet_worker_calls_total\{[^}]*\} \d+/);
  });

  it('refuses an idempotency key reused for a different request, on both doors, and runs nothing', async () => {
    const key = `reused-${Date.now()}`;
    const first = await client.invoke({ task: 'summarize', prompt: 'the first request', idempotencyKey: key });
    const refused = await failureOf(
      client.invoke({ task: 'summarize', prompt: 'another request', idempotencyKey: key }),
    );
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    const http = await fetch(`http://127.0.0.1:${router.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ model: 'summarize', messages: [{ role: 'user', content: 'yet another' }] }),
    });
    expect(http.status).toBe(409);
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same request under the key still gets its answer; the same key on another task is another call.
    expect((await client.invoke({ task: 'summarize', prompt: 'the first request', idempotencyKey: key })).callId).toBe(
      first.callId,
    );
    const other = await client.invoke({ task: 'extract-invoice', prompt: 'Invoice 1: 3 EUR', idempotencyKey: key });
    expect(other.callId).not.toBe(first.callId);
  });

  it('exports per-Specialist metrics an autoscaler (or KEDA) can use', async () => {
    await client.invoke({ task: 'summarize', prompt: 'count me' });
    const metrics = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    const specialist = `specialist="${env().namespace}/extractor"`;
    const value = (name: string) => Number(new RegExp(`^${name}\\{${specialist}\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('slm_fleet_router_specialist_calls_queued_total')).toBeGreaterThan(0);
    expect(value('slm_fleet_router_specialist_service_seconds_count')).toBeGreaterThan(0);
    expect(value('slm_fleet_router_specialist_queue_wait_seconds_count')).toBeGreaterThan(0);
    expect(value('slm_fleet_router_specialist_queue_waiting')).toBe(0);
    expect(value('slm_fleet_router_specialist_oldest_waiting_seconds')).toBe(0);
    expect(metrics).toMatch(/^slm_fleet_router_calls_total\{task="summarize",code="OK"\} \d+$/m);
  });

  describe('refuses bad calls with the right code and a message naming the field', () => {
    const bad: [string, Record<string, unknown>, number, RegExp][] = [
      ['missing task', { prompt: 'x' }, status.INVALID_ARGUMENT, /^task: is required/],
      ['task not a name', { task: 'Bad Task!', prompt: 'x' }, status.INVALID_ARGUMENT, /^task: .* is not a task name/],
      [
        'unknown task',
        { task: 'no-such-task', prompt: 'x' },
        status.NOT_FOUND,
        /no task named "no-such-task".*summarize/,
      ],
      ['no messages', { task: 'summarize' }, status.INVALID_ARGUMENT, /^messages: is empty/],
      ['empty messages', { task: 'summarize', messages: user(' ') }, status.INVALID_ARGUMENT, /every message is empty/],
      [
        'messages and prompt',
        { task: 'summarize', messages: user('a'), prompt: 'b' },
        status.INVALID_ARGUMENT,
        /not both/,
      ],
      [
        'bad role',
        { task: 'summarize', messages: [{ role: 'robot', content: 'x' }] },
        status.INVALID_ARGUMENT,
        /messages\[0\]\.role/,
      ],
      [
        'negative max tokens',
        { task: 'summarize', prompt: 'x', parameters: { maxTokens: -1 } },
        status.INVALID_ARGUMENT,
        /parameters\.max_tokens: .*got -1/,
      ],
      [
        'zero max tokens',
        { task: 'summarize', prompt: 'x', parameters: { maxTokens: 0 } },
        status.INVALID_ARGUMENT,
        /parameters\.max_tokens/,
      ],
      [
        'huge max tokens',
        { task: 'summarize', prompt: 'x', parameters: { maxTokens: 100000 } },
        status.INVALID_ARGUMENT,
        /parameters\.max_tokens/,
      ],
      [
        'temperature 3',
        { task: 'summarize', prompt: 'x', parameters: { temperature: 3 } },
        status.INVALID_ARGUMENT,
        /parameters\.temperature/,
      ],
      [
        'top_p 0',
        { task: 'summarize', prompt: 'x', parameters: { topP: 0 } },
        status.INVALID_ARGUMENT,
        /parameters\.top_p/,
      ],
      [
        'five stops',
        { task: 'summarize', prompt: 'x', parameters: { stop: ['a', 'b', 'c', 'd', 'e'] } },
        status.INVALID_ARGUMENT,
        /parameters\.stop/,
      ],
      [
        'schema not JSON',
        { task: 'summarize', prompt: 'x', jsonSchema: '{nope' },
        status.INVALID_ARGUMENT,
        /^json_schema: is not valid JSON/,
      ],
      [
        'bad schema',
        { task: 'summarize', prompt: 'x', jsonSchema: '{"type":"banana"}' },
        status.INVALID_ARGUMENT,
        /not a valid JSON Schema/,
      ],
      [
        'schema array',
        { task: 'summarize', prompt: 'x', jsonSchema: '[]' },
        status.INVALID_ARGUMENT,
        /must be a JSON object/,
      ],
      [
        'idempotency key with colon',
        { task: 'summarize', prompt: 'x', idempotencyKey: 'a:b' },
        status.INVALID_ARGUMENT,
        /^idempotency_key/,
      ],
      [
        'long session key',
        { task: 'summarize', prompt: 'x', sessionKey: 's'.repeat(300) },
        status.INVALID_ARGUMENT,
        /^session_key/,
      ],
      ['priority 5000', { task: 'summarize', prompt: 'x', priority: 5000 }, status.INVALID_ARGUMENT, /^priority/],
      [
        'oversized payload',
        { task: 'summarize', prompt: 'x'.repeat(1_100_000) },
        status.RESOURCE_EXHAUSTED,
        /at most 1048576 \(--max-request-bytes\)/,
      ],
      ['deadline already short', { task: 'summarize', prompt: 'x', deadline: 1 }, status.DEADLINE_EXCEEDED, /.*/],
    ];

    it.each(bad)('%s', async (_, request, code, details) => {
      const { deadline, ...rest } = request;
      const failure = await failureOf(client.invoke(rest, deadline ? { deadlineMs: Number(deadline) } : {}));
      expect(failure.code).toBe(code);
      expect(failure.details).toMatch(details);
    });

    it('keeps serving after all of them', async () => {
      const response = await client.invoke({ task: 'summarize', prompt: 'still there?' });
      expect(response.output).not.toBe('');
    });

    it('sends a machine-readable reason with each failure', async () => {
      expect((await failureOf(client.invoke({ task: 'no-such-task', prompt: 'x' }))).reason).toBe('TASK_NOT_FOUND');
      expect((await failureOf(client.invoke({ task: 'summarize' }))).reason).toBe('INVALID_ARGUMENT');
    });
  });
});
