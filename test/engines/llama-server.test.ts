// The worker's engine client against a real engine, not only the simulator: llama.cpp's
// llama-server (built from source by `scripts/platform build`) serving a tiny model with random
// weights (tools/tiny-gguf). Its text is nonsense, but llama-server's grammars force a JSON
// schema and a required tool call onto it, so these tests assert structure, not content.
// max_tokens stays small: every generated token is a CPU forward pass plus grammar checks.
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIClient } from '@slm-fleet/engines';
import { installCrds, startLlamaServer, useSuiteEnv, type LlamaServer } from '@slm-fleet/testing';
import { spawnFleet, startRouter, stopFleet, type FleetProcess } from '../data-plane/fleet.js';

// Bounded strings, integers and enums: random weights close a string only by chance, so an
// unbounded one would run into max_tokens and leave the JSON unfinished, and an unbounded
// number's exponent can overflow to Infinity.
const invoiceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['invoice', 'totalCents', 'currency'],
  properties: {
    invoice: { type: 'string', maxLength: 8 },
    totalCents: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
  },
};
const weatherParameters = {
  type: 'object',
  additionalProperties: false,
  required: ['city', 'unit'],
  properties: {
    city: { type: 'string', maxLength: 12 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
};
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city', parameters: weatherParameters },
};
const question = { role: 'user' as const, content: 'What is the weather in Paris?' };

const ajv = new Ajv({ allErrors: true });
/** Parses JSON text and checks it against a schema, with the text in the failure message. */
function parseAgainst(schema: object, text: string | null | undefined): unknown {
  let value: unknown;
  expect(() => (value = JSON.parse(text ?? '')), `not JSON: ${text}`).not.toThrow();
  const validate = ajv.compile(schema);
  expect(validate(value), `${text}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return value;
}

let llama: LlamaServer;

beforeAll(async () => {
  llama = await startLlamaServer({ alias: 'tiny' });
});

afterAll(async () => {
  await llama?.stop();
});

describe('llama-server called directly by the engine client', () => {
  let client: OpenAIClient;

  beforeAll(() => {
    client = new OpenAIClient({ baseUrl: llama.baseUrl });
  });

  afterAll(async () => {
    await client?.close();
  });

  it('is ready and streams text with usage', async () => {
    expect(await client.isReady()).toBe(true);
    const deltas: string[] = [];
    const answer = await client.chatCompletionStream(
      { model: 'tiny', messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 48 },
      { onDelta: (delta) => deltas.push(delta.text ?? '') },
    );
    expect(answer.output.length).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(answer.output);
    expect(answer.finishReason).toMatch(/^(stop|length)$/);
    expect(answer.usage.promptTokens).toBeGreaterThan(0);
    expect(answer.usage.completionTokens).toBeGreaterThan(0);
  });

  it('answers in the JSON schema of response_format', async () => {
    const answer = await client.chatCompletionStream({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Invoice INV-7: 120.50 EUR' }],
      max_tokens: 128,
      response_format: { type: 'json_schema', json_schema: { name: 'invoice', schema: invoiceSchema, strict: true } },
    });
    parseAgainst(invoiceSchema, answer.output);
  });

  it('returns a required tool call with arguments in its parameters schema', async () => {
    const answer = await client.chatCompletionStream({
      model: 'tiny',
      messages: [question],
      tools: [weatherTool],
      tool_choice: 'required',
      max_tokens: 128,
    });
    expect(answer.finishReason).toBe('tool_calls');
    expect(answer.toolCalls).toHaveLength(1);
    expect(answer.toolCalls?.[0]?.function.name).toBe('get_weather');
    expect(answer.toolCalls?.[0]?.id).toBeTruthy();
    parseAgainst(weatherParameters, answer.toolCalls?.[0]?.function.arguments);
  });
});

describe('llama-server behind a worker and the router, called with the openai client', () => {
  const env = useSuiteEnv('llama-server-engine');
  const processes: FleetProcess[] = [];
  let openai: OpenAI;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: tiny}
spec:
  model: {uri: hf://slm-fleet/tiny-random-llama, servedName: tiny}
  engine: {kind: llamacpp, maxConcurrency: 2}
  resources: {gpu: {count: 0}}
  tasks: [chat]
`);
    processes.push(
      await spawnFleet('worker', [
        'worker',
        ...['--specialist', `${env().namespace}/tiny`, '--engine-url', llama.baseUrl, '--model', 'tiny'],
        ...['--redis-url', env().redisUrl, '--queue-prefix', env().queuePrefix],
      ]),
    );
    const router = await startRouter(env());
    processes.push(router);
    openai = new OpenAI({ baseURL: `http://127.0.0.1:${router.port}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('streams a chat completion with text and usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Say something.' }],
      max_tokens: 48,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toMatch(/^(stop|length)$/);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('answers in the JSON schema of response_format', async () => {
    const completion = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Invoice INV-7: 120.50 EUR' }],
      max_tokens: 128,
      response_format: { type: 'json_schema', json_schema: { name: 'invoice', schema: invoiceSchema, strict: true } },
    });
    parseAgainst(invoiceSchema, completion.choices[0]?.message.content);
  });

  it('returns a required tool call, then answers the tool result', async () => {
    const first = await openai.chat.completions.create({
      model: 'chat',
      messages: [question],
      tools: [weatherTool],
      tool_choice: 'required',
      max_tokens: 128,
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') return;
    expect(call.function.name).toBe('get_weather');
    parseAgainst(weatherParameters, call.function.arguments);

    const second = await openai.chat.completions.create({
      model: 'chat',
      messages: [
        question,
        { role: 'assistant', content: choice?.message.content ?? null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temperature: 21, unit: 'celsius' }) },
      ],
      tools: [weatherTool],
      max_tokens: 48,
    });
    expect(second.choices[0]?.finish_reason).toBeTruthy();
  });
});
