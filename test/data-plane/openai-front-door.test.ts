// The OpenAI-compatible front door, called with the official `openai` npm client, unchanged.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { simSpecialist, startRouter, startSimulator, startWorker, stopFleet, type FleetProcess } from './fleet.js';

describe('OpenAI-compatible front door', () => {
  const env = useSuiteEnv('openai-front-door');
  const processes: FleetProcess[] = [];
  let openai: OpenAI;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('helper', ['summarize', 'extract']));
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 10 });
    processes.push(engine, await startWorker(env(), 'helper', engine));
    const router = await startRouter(env());
    processes.push(router);
    openai = new OpenAI({ baseURL: `http://127.0.0.1:${router.port}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('lists tasks as models', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['extract', 'summarize']);
  });

  it('answers a chat completion, model = task name', async () => {
    const completion = await openai.chat.completions.create({
      model: 'summarize',
      messages: [{ role: 'user', content: 'Summarize: cats sleep a lot.' }],
      max_tokens: 5,
    });
    expect(completion.model).toBe('summarize');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('streams a chat completion over SSE, with usage at the end when asked', async () => {
    const stream = await openai.chat.completions.create({
      model: 'summarize',
      messages: [{ role: 'user', content: 'Tell a story.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toMatch(/stop|length/);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('returns structured output for response_format json_schema', async () => {
    const completion = await openai.chat.completions.create({
      model: 'extract',
      messages: [{ role: 'user', content: 'Invoice 42, 10 EUR' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'invoice',
          schema: {
            type: 'object',
            required: ['id', 'total'],
            properties: { id: { type: 'integer' }, total: { type: 'number' } },
          },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({
      id: expect.any(Number),
      total: expect.any(Number),
    });
  });

  it.each([
    ['an unknown model', { model: 'nope', messages: [{ role: 'user', content: 'x' }] }, 404, 'TASK_NOT_FOUND', null],
    [
      'negative max_tokens',
      { model: 'summarize', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 },
      400,
      'INVALID_ARGUMENT',
      'max_tokens',
    ],
    ['no messages', { model: 'summarize', messages: [] }, 400, 'INVALID_ARGUMENT', 'messages'],
  ])('answers %s with an OpenAI-shaped error', async (_, body, httpStatus, code, param) => {
    const error = await openai.chat.completions
      .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: httpStatus, code, param });
  });
});
