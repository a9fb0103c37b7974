// The engine simulator over real HTTP, called with the official OpenAI client the way the
// worker calls GPU engines. Order and counters are asserted, never elapsed time.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, spawnCli } from '@slm-fleet/testing';
import type { SimStats } from '@slm-fleet/simulator';
import { startSimulator, type Simulator } from './simulator.js';

const MODEL = 'sim-model';
const question = (content: string) => ({ model: MODEL, messages: [{ role: 'user' as const, content }] });
const quickly = { intervalMs: 10, timeoutMs: 30_000 };

describe('engine simulator: OpenAI-compatible answers', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ outputTokens: 12 });
  });
  afterAll(() => sim.service.stop());

  it('answers a chat completion with text, finish reason and usage', async () => {
    const content = 'Extract the total of invoice 42.'; // 32 characters: 8 prompt tokens
    const completion = await sim.client.chat.completions.create(question(content));
    expect(completion).toMatchObject({ object: 'chat.completion', model: MODEL });
    expect(completion.id).toMatch(/^chatcmpl-sim-/);
    const [choice] = completion.choices;
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.content?.split(' ')).toHaveLength(12);
    expect(completion.usage).toEqual({ prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 });
  });

  it('gives the same answer to the same request, and another to another', async () => {
    const text = async (content: string) =>
      (await sim.client.chat.completions.create(question(content))).choices[0]?.message.content;
    expect(await text('same question')).toBe(await text('same question'));
    expect(await text('same question')).not.toBe(await text('other question'));
  });

  it('streams role, one token per chunk, the finish reason and usage, then ends', async () => {
    const request = { ...question('Summarize the call.'), max_tokens: 5 };
    const stream = await sim.client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).filter(Boolean);
    expect(deltas).toHaveLength(5);
    const finishes = chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean);
    expect(finishes).toEqual(['length']); // cut by max_tokens
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    // Streaming changes the transport, not the answer.
    const plain = await sim.client.chat.completions.create(request);
    expect(deltas.join('')).toBe(plain.choices[0]?.message.content);
  });

  it('answers JSON that satisfies the response schema, streamed or not', async () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['invoice_id', 'issued', 'total', 'lines', 'status'],
      properties: {
        invoice_id: { type: 'string', format: 'uuid' },
        issued: { type: 'string', format: 'date' },
        total: { type: 'number', minimum: 0 },
        status: { enum: ['draft', 'paid'] },
        lines: { type: 'array', minItems: 1, items: { $ref: '#/$defs/Line' } },
      },
      $defs: {
        Line: {
          type: 'object',
          required: ['sku', 'quantity'],
          properties: { sku: { type: 'string', maxLength: 8 }, quantity: { type: 'integer', minimum: 1 } },
        },
      },
    };
    const request = {
      ...question('Extract the invoice.'),
      response_format: { type: 'json_schema' as const, json_schema: { name: 'invoice', schema, strict: true } },
    };
    const completion = await sim.client.chat.completions.create(request);
    const content = completion.choices[0]?.message.content ?? '';
    const validate = addFormats.default(new Ajv()).compile(schema);
    expect(validate(JSON.parse(content)), JSON.stringify(validate.errors)).toBe(true);
    expect(completion.choices[0]?.finish_reason).toBe('stop');

    let streamed = '';
    let chunkCount = 0;
    for await (const chunk of await sim.client.chat.completions.create({ ...request, stream: true })) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) [streamed, chunkCount] = [streamed + delta, chunkCount + 1];
    }
    expect(streamed).toBe(content);
    expect(chunkCount).toBe(completion.usage?.completion_tokens); // a token is a chunk
  });

  it('lists its one model as the simulator', async () => {
    const models = [];
    for await (const model of sim.client.models.list()) models.push(model);
    expect(models).toEqual([expect.objectContaining({ id: MODEL, owned_by: 'slm-fleet-simulator' })]);
  });

  it.each([
    ['empty messages', { model: MODEL, messages: [] }, 400, 'messages'],
    ['max_tokens of 0', { ...question('hi'), max_tokens: 0 }, 400, 'max_tokens'],
    ['a role it does not know', { model: MODEL, messages: [{ role: 'robot', content: 'x' }] }, 400, 'messages[0].role'],
    ['a model it does not serve', { ...question('hi'), model: 'gpt-4o' }, 404, 'model'],
    [
      'a response schema with a remote $ref',
      {
        ...question('hi'),
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { $ref: 'http://x/s' } } },
      },
      400,
      'response_format.json_schema.schema',
    ],
  ])('refuses %s with %i naming the parameter', async (_case, body, status, param) => {
    const error = await sim.client.chat.completions.create(body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status, param, type: 'invalid_request_error' });
  });

  it('refuses a body that is not JSON with a 400 in the OpenAI error shape', async () => {
    const response = await sim.post('/v1/chat/completions', '{"model": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_json' },
    });
  });

  it('counts what it served', async () => {
    // The counters; the request log (per model, recent requests) has its own tests.
    const counters = async (): Promise<Omit<SimStats, 'models' | 'recent'>> => {
      const stats: Omit<SimStats, 'models' | 'recent'> & Partial<SimStats> = await sim.stats();
      delete stats.models;
      delete stats.recent;
      return stats;
    };
    const before = await counters();
    await sim.client.chat.completions.create(question('count me'));
    await sim.client.chat.completions.create({ ...question('refuse me'), max_tokens: -1 }).catch(() => undefined);
    expect(await counters()).toEqual({
      ...before,
      requests: before.requests + 2,
      completed: before.completed + 1,
      errors: before.errors + 1,
    });
  });
});

describe('engine simulator: batch, faults and start-up', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.service.stop();
    sim = undefined;
  });

  it('lets one request at a time into a batch of one; the others wait in arrival order', async () => {
    sim = await startSimulator({ maxBatch: 1, tpot: 2, outputTokens: 4 });
    const { client, stats, setSwitches } = sim;
    // A hung request holds the only slot until its client gives up.
    await setSwitches({ hangRate: 1 });
    const blocker = new AbortController();
    const hung = client.chat.completions.create(question('block'), { signal: blocker.signal }).catch((e: unknown) => e);
    await eventually(async () => expect(await stats()).toMatchObject({ active: 1, hung: 1 }), quickly);
    await setSwitches({ hangRate: 0 });

    const finished: string[] = [];
    const ask = (name: string) => client.chat.completions.create(question(name)).then(() => finished.push(name));
    const second = ask('second');
    await eventually(async () => expect(await stats()).toMatchObject({ active: 1, waiting: 1 }), quickly);
    const third = ask('third');
    await eventually(async () => expect(await stats()).toMatchObject({ active: 1, waiting: 2 }), quickly);
    expect(finished).toEqual([]);

    blocker.abort();
    await Promise.all([second, third]);
    expect(finished).toEqual(['second', 'third']);
    expect(await hung).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(await stats()).toMatchObject({ active: 0, waiting: 0, completed: 2, hung: 1, disconnected: 1 });
  });

  it('answers HTTP 500 at error rate 1, and serves again once the switch is off', async () => {
    sim = await startSimulator({ errorRate: 1 });
    const error = await sim.client.chat.completions.create(question('fail')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 500, type: 'server_error' });
    expect(await sim.stats()).toMatchObject({ requests: 1, errors: 1, completed: 0 });

    expect((await sim.setSwitches({ errorRate: 0 })).status).toBe(200);
    const completion = await sim.client.chat.completions.create(question('fine'));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('never answers a hung request, and frees its slot when the client gives up', async () => {
    sim = await startSimulator({ hangRate: 1 });
    const { stats } = sim;
    const abort = new AbortController();
    let settled = false;
    const call = sim.client.chat.completions
      .create({ ...question('hang'), stream: true }, { signal: abort.signal })
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await eventually(async () => expect(await stats()).toMatchObject({ active: 1, hung: 1 }), quickly);
    expect(settled).toBe(false); // not even the stream's headers

    abort.abort();
    expect(await call).toBeInstanceOf(OpenAI.APIUserAbortError);
    await eventually(
      async () => expect(await stats()).toMatchObject({ active: 0, disconnected: 1, completed: 0 }),
      quickly,
    );
  });

  it('cuts a hung request when it stops, instead of waiting for it', async () => {
    sim = await startSimulator({ hangRate: 1 });
    const call = sim.client.chat.completions.create(question('hang on')).catch((e: unknown) => e);
    await eventually(async () => expect(await sim!.stats()).toMatchObject({ active: 1 }), quickly);
    await sim.service.stop();
    expect(await call).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('frees the slot of a stream whose client leaves in the middle', async () => {
    sim = await startSimulator({ tpot: 20, maxBatch: 1 });
    const stream = await sim.client.chat.completions.create({ ...question('long'), max_tokens: 1000, stream: true });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === 2) break; // leaving the loop aborts the request
    }
    await eventually(
      async () => expect(await sim!.stats()).toMatchObject({ active: 0, disconnected: 1, completed: 0 }),
      quickly,
    );
    // The slot is free: the next request gets it and completes.
    await sim.setSwitches({ tpot: 0 });
    const next = await sim.client.chat.completions.create({ ...question('next'), max_tokens: 3 });
    expect(next.usage?.completion_tokens).toBe(3);
  });

  it('reports not ready during a slow start, then ready', async () => {
    sim = await startSimulator({ slowStart: 3000 });
    const { baseUrl } = sim;
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(503);
    expect((await fetch(`${baseUrl}/v1/models`)).status).toBe(503);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: { model: expect.stringContaining('loading') } });
    const early = await sim.client.chat.completions.create(question('too early')).catch((e: unknown) => e);
    expect(early).toMatchObject({ status: 503 });

    await eventually(async () => expect((await fetch(`${baseUrl}/health`)).status).toBe(200));
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect((await sim.client.chat.completions.create(question('now'))).choices).toHaveLength(1);
  });

  it('refuses a fault switch it does not know, or a rate out of range, naming it', async () => {
    sim = await startSimulator();
    for (const [switches, param] of [
      [{ errorRate: 2 }, 'errorRate'],
      [{ tpot: -1 }, 'tpot'],
      [{ errorrate: 1 }, 'errorrate'],
    ] as const) {
      const response = await sim.setSwitches(switches);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { param } });
    }
  });
});

describe('engine simulator: who may flip the switches (/sim/faults)', () => {
  const token = 'sim-faults-token-for-the-suite-0123456789';
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.service.stop();
    sim = undefined;
  });
  const switchesOf = async (s: Simulator) =>
    (await (await s.post('/sim/faults', '{}', { authorization: `Bearer ${token}` })).json()) as Record<string, number>;

  it('with a faults token: refuses a caller without it or with another one (401, OpenAI shape), obeys one with it', async () => {
    sim = await startSimulator({ faultsToken: token });
    const callers: Record<string, string>[] = [
      {},
      { authorization: 'Bearer another-token-0123456789abcdef' },
      { authorization: token },
    ];
    for (const headers of callers) {
      const refused = await sim.post('/sim/faults', JSON.stringify({ errorRate: 1 }), headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.json()).toMatchObject({
        error: {
          type: 'invalid_request_error',
          code: 'invalid_token',
          message: expect.stringContaining('Authorization: Bearer <token>'),
        },
      });
    }
    // The method is checked after the caller: an unknown caller learns nothing.
    expect((await fetch(`${sim.baseUrl}/sim/faults`)).status).toBe(401);
    expect((await fetch(`${sim.baseUrl}/sim/faults`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      405,
    );
    expect(await switchesOf(sim)).toMatchObject({ errorRate: 0 });

    const obeyed = await sim.setSwitches({ errorRate: 1 });
    expect(obeyed.status).toBe(200);
    expect(await obeyed.json()).toMatchObject({ errorRate: 1 });
    expect(await sim.client.chat.completions.create(question('fail')).catch((e: unknown) => e)).toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    // The rest of the API needs no token.
    expect((await fetch(`${sim.baseUrl}/sim/stats`)).status).toBe(200);
  });

  it('without a token: obeys a loopback caller, refuses any other (403)', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    sim = await startSimulator({ host: '0.0.0.0' });
    if (address) {
      const remote = await fetch(`http://${address}:${sim.service.port}/sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ hangRate: 1 }),
      });
      expect(remote.status).toBe(403);
      expect(await remote.json()).toMatchObject({
        error: { code: 'forbidden', message: expect.stringContaining('loopback') },
      });
      // The refused switch did not flip; the rest of the API still answers that caller.
      expect((await fetch(`http://${address}:${sim.service.port}/v1/models`)).status).toBe(200);
    } else {
      console.warn('no non-loopback IPv4 address on this machine: the 403 case is covered by the unit table only');
    }
    const local = await sim.setSwitches({ hangRate: 0.5 });
    expect(local.status).toBe(200);
    expect(await local.json()).toMatchObject({ hangRate: 0.5 });
  });

  it('the built CLI takes the token from SLM_FLEET_SIM_FAULTS_TOKEN or --faults-token, and never logs it', async () => {
    const { PATH, HOME } = process.env;
    const base = ['engine-sim', '--host', '127.0.0.1', '--http-port', '0'];
    for (const [args, env] of [
      [base, { PATH, HOME, SLM_FLEET_SIM_FAULTS_TOKEN: token }],
      [[...base, '--faults-token', token], { PATH, HOME }],
    ] as const) {
      const child = await spawnCli('engine-sim (faults token)', [...args], env);
      try {
        const post = (headers: Record<string, string>) =>
          fetch(`http://127.0.0.1:${child.port}/sim/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ tpot: 1 }),
          });
        expect((await post({})).status).toBe(401);
        expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
        // Logged before the answer went out; read from the pipe maybe a little after.
        await eventually(async () => expect(child.logs.join('\n')).toContain('refused /sim/faults'), quickly);
        expect(child.logs.join('\n')).toContain('"faults":"bearer token"');
        expect(child.logs.join('\n')).not.toContain(token);
      } finally {
        await child.stop(5_000);
      }
    }
  });
});
