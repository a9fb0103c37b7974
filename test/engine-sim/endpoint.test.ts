// The simulator as a hosted large-model endpoint: an API key, 429s with Retry-After, answers
// off schema or with low confidence, the large-model profile, LoRA adapter names and the
// request log of /sim/stats. Over real HTTP with the official OpenAI client.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, spawnCli } from '@slm-fleet/testing';
import { startSimulator, type Simulator } from './simulator.js';

const MODEL = 'sim-model';
const question = (content: string) => ({ model: MODEL, messages: [{ role: 'user' as const, content }] });
const quickly = { intervalMs: 10, timeoutMs: 30_000 };
const INVOICE = {
  type: 'object',
  required: ['total', 'currency'],
  properties: { total: { type: 'number' }, currency: { type: 'string', enum: ['EUR', 'USD'] } },
};
const jsonFormat = { type: 'json_schema' as const, json_schema: { name: 'invoice', schema: INVOICE } };

describe('engine simulator as an OpenAI-compatible endpoint', () => {
  let sim: Simulator | undefined;
  const saved = process.env.SIM_TEST_API_KEY;
  afterEach(async () => {
    await sim?.service.stop();
    sim = undefined;
    process.env.SIM_TEST_API_KEY = saved;
  });

  it('with --api-key-env, every /v1 route needs the key: 401 invalid_api_key without it, never echoing it', async () => {
    const key = 'sk-sim-test-key-0123456789';
    process.env.SIM_TEST_API_KEY = key;
    sim = await startSimulator({ apiKeyEnv: 'SIM_TEST_API_KEY' });
    for (const headers of [{}, { authorization: 'Bearer sk-wrong-key' }] as Record<string, string>[]) {
      for (const [path, init] of [
        ['/v1/models', {}],
        ['/v1/chat/completions', { method: 'POST', body: JSON.stringify(question('hi')) }],
      ] as const) {
        const refused = await fetch(`${sim.baseUrl}${path}`, { ...init, headers });
        expect(refused.status).toBe(401);
        const text = await refused.text();
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
        expect(text).not.toContain('sk-wrong-key');
        expect(text).not.toContain(key);
      }
    }
    const client = new OpenAI({ baseURL: `${sim.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    expect((await client.models.list()).data.map((model) => model.id)).toEqual([MODEL]);
    expect((await client.chat.completions.create(question('hi'))).choices).toHaveLength(1);
    expect(await sim.client.chat.completions.create(question('hi')).catch((e: unknown) => e)).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    // Probes and the simulator's own routes need no key.
    expect((await fetch(`${sim.baseUrl}/health`)).status).toBe(200);
    expect(await sim.stats()).toMatchObject({ unauthorized: 5, requests: 1, completed: 1 });
  });

  it('answers 429 with Retry-After at rateLimitRate, and records when each request came', async () => {
    sim = await startSimulator();
    expect((await sim.setSwitches({ rateLimitRate: 1, retryAfterSeconds: 3 })).status).toBe(200);
    const limited = await fetch(`${sim.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(question('hi')),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'requests' } });
    await sim.setSwitches({ rateLimitRate: 0 });
    expect((await sim.client.chat.completions.create(question('hi'))).choices).toHaveLength(1);
    const stats = await sim.stats();
    expect(stats).toMatchObject({ requests: 2, rateLimited: 1, errors: 1, completed: 1, models: { [MODEL]: 2 } });
    expect(stats.recent.map((r) => r.status)).toEqual([429, 200]);
    expect(stats.recent[1]!.receivedAt).toBeGreaterThanOrEqual(stats.recent[0]!.receivedAt);
  });

  it('answers off schema at offSchemaRate: a JSON answer misses a required field, tool arguments break the parameters', async () => {
    sim = await startSimulator({ offSchemaRate: 1 });
    const validate = new Ajv({ strict: false }).compile(INVOICE);
    const answer = await sim.client.chat.completions.create({ ...question('invoice'), response_format: jsonFormat });
    const value: unknown = JSON.parse(answer.choices[0]?.message.content ?? '');
    expect(validate(value)).toBe(false);
    expect(value).toEqual({ currency: expect.any(String) });

    const parameters = { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } };
    const call = await sim.client.chat.completions.create({
      ...question('where is my order?'),
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters } }],
      tool_choice: 'required',
    });
    const toolCall = call.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.type === 'function' && JSON.parse(toolCall.function.arguments)).toEqual({});
    expect(await sim.stats()).toMatchObject({ offSchema: 2 });

    await sim.setSwitches({ offSchemaRate: 0 });
    const good = await sim.client.chat.completions.create({ ...question('invoice'), response_format: jsonFormat });
    expect(validate(JSON.parse(good.choices[0]?.message.content ?? ''))).toBe(true);
  });

  it('answers with low confidence at lowConfidenceRate, when logprobs are asked for', async () => {
    sim = await startSimulator({ lowConfidenceRate: 1, outputTokens: 40 });
    const mean = (completion: OpenAI.ChatCompletion) => {
      const content = completion.choices[0]?.logprobs?.content ?? [];
      return content.reduce((sum, entry) => sum + entry.logprob, 0) / content.length;
    };
    expect(mean(await sim.client.chat.completions.create({ ...question('sure?'), logprobs: true }))).toBeLessThan(-3);
    await sim.setSwitches({ lowConfidenceRate: 0 });
    expect(mean(await sim.client.chat.completions.create({ ...question('sure?'), logprobs: true }))).toBeGreaterThan(
      -1,
    );
    expect(await sim.stats()).toMatchObject({ lowConfidence: 1 });
  });

  it('the large-model profile refuses answer faults, and never answers off schema', async () => {
    await expect(startSimulator({ profile: 'large-model', offSchemaRate: 1 })).rejects.toThrow(/large-model/);
    sim = await startSimulator({ profile: 'large-model' });
    const refused = await sim.setSwitches({ offSchemaRate: 1 });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { param: 'offSchemaRate' } });
    expect((await sim.setSwitches({ rateLimitRate: 0.5 })).status).toBe(200);
  });

  it('serves LoRA adapters by name beside the model and counts requests per model', async () => {
    sim = await startSimulator({ adapters: ['sql', 'triage'] });
    expect((await sim.client.models.list()).data.map((model) => model.id)).toEqual([MODEL, 'sql', 'triage']);
    for (const model of ['sql', 'sql', 'triage', MODEL]) {
      // Answered under the name asked for, as vLLM answers for an adapter.
      expect((await sim.client.chat.completions.create({ ...question('hi'), model })).model).toBe(model);
    }
    const unknown = await sim.client.chat.completions.create({ ...question('hi'), model: 'billing' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await sim.stats()).models).toEqual({ sql: 2, triage: 1, [MODEL]: 1, billing: 1 });
  });

  it('records the peak of requests in flight', async () => {
    sim = await startSimulator({ ttft: 300 });
    await Promise.all([1, 2, 3].map((n) => sim!.client.chat.completions.create(question(`call ${n}`))));
    expect(await sim.stats()).toMatchObject({ inFlight: 0, peakInFlight: 3 });
  });

  it('the built CLI: --profile large-model is slower by default, --api-key-env keeps the key out of ps and logs', async () => {
    const key = 'sk-cli-test-key-0123456789';
    const { PATH, HOME } = process.env;
    const child = await spawnCli(
      'engine-sim (large model)',
      ['engine-sim', '--host', '127.0.0.1', '--http-port', '0', '--profile', 'large-model', '--api-key-env', 'LLM_KEY'],
      { PATH, HOME, LLM_KEY: key },
    );
    try {
      const switches = (await (
        await fetch(`http://127.0.0.1:${child.port}/sim/faults`, { method: 'POST', body: '{}' })
      ).json()) as Record<string, number>;
      expect(switches).toMatchObject({ ttft: 400, tpot: 15 });
      const models = await fetch(`http://127.0.0.1:${child.port}/v1/models`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(models.status).toBe(200);
      await eventually(async () => expect(child.logs.join('\n')).toContain('bearer token from LLM_KEY'), quickly);
      expect(child.logs.join('\n')).not.toContain(key);
      expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).not.toContain(key);
    } finally {
      await child.stop(5_000);
    }
  });
});
