// The Responses API door (POST /v1/responses), stateless, called with the official `openai`
// npm client unchanged, against a real router, worker and engine simulator. Also: models by
// id, and errors no controller sees (a body that is not JSON, an unknown route) in OpenAI's shape.
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlock, installCrds, runDocScript, shellEnvOf, useSuiteEnv, withValues } from '@slm-fleet/testing';
import { simSpecialist, startRouter, startSimulator, startWorker, stopFleet, type FleetProcess } from './fleet.js';

type FunctionCall = OpenAI.Responses.ResponseFunctionToolCall;

const WEATHER = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { enum: ['C', 'F'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: WEATHER,
  strict: true,
};

const functionCalls = (response: OpenAI.Responses.Response): FunctionCall[] =>
  response.output.filter((item): item is FunctionCall => item.type === 'function_call');

/** A rejected promise's error, or undefined when it resolved. */
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('OpenAI Responses API door', () => {
  const env = useSuiteEnv('responses-api');
  const processes: FleetProcess[] = [];
  let router: FleetProcess;
  let openai: OpenAI;
  let base: string;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('helper', ['agent', 'extract-invoice']));
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 10 });
    processes.push(engine, await startWorker(env(), 'helper', engine));
    router = await startRouter(env());
    processes.push(router);
    base = `http://127.0.0.1:${router.port}`;
    openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('answers a function_call item, and a text message once the function output is in input', async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await openai.responses.create({
      model: 'agent',
      instructions: 'Use the tools.',
      input,
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(first).toMatchObject({ object: 'response', status: 'completed', model: 'agent', store: false });
    const [call, ...more] = functionCalls(first);
    expect(more).toEqual([]);
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(call?.id).toMatch(/^fc_/);
    expect(call?.call_id.length).toBeGreaterThan(0);
    const validate = new Ajv().compile(WEATHER);
    expect(validate(JSON.parse(call?.arguments ?? '')), JSON.stringify(validate.errors)).toBe(true);

    // Stateless: the second turn sends the whole conversation, the first output included as it came.
    const second = await openai.responses.create({
      model: 'agent',
      instructions: 'Use the tools.',
      input: [
        ...input,
        ...first.output,
        { type: 'function_call_output', call_id: call?.call_id ?? '', output: '{"temperature": 21, "unit": "C"}' },
      ],
      tools: [weatherTool],
    });
    expect(functionCalls(second)).toEqual([]);
    expect(second.output[0]).toMatchObject({ type: 'message', role: 'assistant' });
    expect(second.output_text.length).toBeGreaterThan(0);
    expect(second.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('streams text as output_text deltas, ending with the whole response', async () => {
    const stream = openai.responses.stream({ model: 'agent', input: 'Tell a story.' });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThanOrEqual(1);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text.length).toBeGreaterThan(0);
    // The client's stream helper adds output_text only when it parses the output itself.
    expect(final.output).toMatchObject([{ type: 'message', content: [{ type: 'output_text', text }] }]);
    expect(final.status).toBe('completed');
  });

  it('streams a function call as arguments deltas', async () => {
    const stream = openai.responses.stream({
      model: 'agent',
      input: 'What is the weather in Oslo?',
      tools: [weatherTool],
      tool_choice: { type: 'function', name: 'get_weather' },
    });
    let args = '';
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    }
    const final = await stream.finalResponse();
    expect(types).toContain('response.function_call_arguments.done');
    const [call] = functionCalls(final);
    expect(call).toMatchObject({ name: 'get_weather', arguments: args });
    expect(JSON.parse(args)).toMatchObject({ city: expect.any(String) });
  });

  it('holds the answer to text.format json_schema', async () => {
    const response = await openai.responses.create({
      model: 'extract-invoice',
      input: 'Invoice 42, 10 EUR',
      text: {
        format: {
          type: 'json_schema',
          name: 'invoice',
          schema: {
            type: 'object',
            required: ['id', 'total'],
            properties: { id: { type: 'integer' }, total: { type: 'number' } },
          },
        },
      },
    });
    expect(JSON.parse(response.output_text)).toEqual({ id: expect.any(Number), total: expect.any(Number) });
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'invoice' });
  });

  it.each([
    ['previous_response_id', { previous_response_id: 'resp_123' }, /stores no responses; send the whole conversation/],
    ['store', { store: true }, /stores no responses/],
    ['temperatures', { temperatures: 1 }, /not a Responses API parameter/],
  ])('refuses %s with a 400 naming it', async (param, fields, message) => {
    const body = { model: 'agent', input: 'hi', ...fields } as OpenAI.Responses.ResponseCreateParamsNonStreaming;
    const error = await failureOf(openai.responses.create(body));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param, code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toMatch(message);
  });

  it('gives a task by id as a model, and model_not_found for an unknown one', async () => {
    await expect(openai.models.retrieve('agent')).resolves.toEqual({
      id: 'agent',
      object: 'model',
      created: 0,
      owned_by: 'slm-fleet',
    });
    const error = await failureOf(openai.models.retrieve('no-such-task'));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ param: 'model', code: 'model_not_found', type: 'invalid_request_error' });
  });

  it("answers a body that is not JSON and an unknown route in OpenAI's error shape", async () => {
    const malformed = await fetch(`${base}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "agent", "input": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_json' },
    });
    const unknown = await fetch(`${base}/v1/assistants`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'unknown_url' } });
    // Probes keep their own shape.
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ ready: true });
  });

  it('api.md: the Responses API with curl', async () => {
    const script = withValues(await docBlock('docs/api.md', 'responses'), { HTTP: `127.0.0.1:${router.port}` });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/"object":"response"/);
    expect(output).toMatch(/"type":"function_call"/);
    expect(output).toMatch(/^event: response\.completed$/m);
    expect(output).toMatch(/"param":"previous_response_id"/);
    expect(output).toMatch(/^400$/m);
  });
});
