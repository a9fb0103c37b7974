// The OpenAI-compatible HTTP port in-process over loopback, with a scripted dispatcher in place
// of Redis and workers: the Responses API through the official `openai` client, models by id,
// and every error in OpenAI's shape. test/data-plane/responses-api.test.ts runs the real fleet.
import { Module, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { APP_FILTER } from '@nestjs/core';
import OpenAI from 'openai';
import { CallFailure, SchemaValidators, type ValidCall } from '@slm-fleet/calls';
import type { CallResult, StreamDelta } from '@slm-fleet/queue';
import type { TaskRoute } from '@slm-fleet/routing';
import { HealthModule, Readiness, startService, type RunningService } from '@slm-fleet/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, DispatchOptions } from '../dispatch/call-dispatcher.js';
import { ROUTER_CORE } from '../router-core.js';
import { failureForCaller } from '../unexpected-errors.js';
import { OPENAI_ROUTES, OpenAiErrorsFilter } from './openai-errors.filter.js';
import { OpenAiController } from './openai.controller.js';
import { ResponsesController } from './responses.controller.js';

const MAX_REQUEST_BYTES = 4096;
const task = { name: 'agent', namespace: 'ns' } as TaskRoute;

/** What the scripted dispatcher does with the next call. */
let script: (call: ValidCall, options: DispatchOptions) => Promise<CallResult> = () =>
  Promise.reject(new Error('unset'));
let lastCall: ValidCall | undefined;

/** What the router logged as errors. */
const logged: Record<string, unknown>[] = [];
const logger = {
  log: () => undefined,
  warn: () => undefined,
  error: (entry: Record<string, unknown>) => logged.push(entry),
};

const core = {
  failureOf: (error: unknown, task: string) => failureForCaller(error, task, logger),
  maxRequestBytes: MAX_REQUEST_BYTES,
  validators: new SchemaValidators(),
  metrics: { startCall: () => () => undefined },
  routingTable: () => new Map([['agent', task]]),
  routingSynced: () => true,
  dispatcher: {
    dispatch: async (call: ValidCall, options: DispatchOptions): Promise<Answer> => {
      lastCall = call;
      if (call.task !== 'agent') throw new CallFailure('NOT_FOUND', 'TASK_NOT_FOUND', `no task named "${call.task}"`);
      return { callId: 'c1', task, specialist: 'ns/helper', tier: 'specialist', result: await script(call, options) };
    },
  },
};

@Module({
  imports: [HealthModule],
  controllers: [OpenAiController, ResponsesController],
  providers: [
    { provide: ROUTER_CORE, useValue: core },
    { provide: APP_FILTER, useClass: OpenAiErrorsFilter },
  ],
})
class TestModule {}

const result = (fields: Partial<CallResult>): CallResult => ({
  output: '',
  finishReason: 'stop',
  model: 'sim-model',
  replica: 'pod-1',
  usage: { promptTokens: 5, completionTokens: 4 },
  timings: { queueMs: 1, serviceMs: 2, timeToFirstTokenMs: 1 },
  ...fields,
});
const weatherCall = {
  id: 'call_1',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the OpenAI-compatible HTTP port', () => {
  let service: RunningService;
  let openai: OpenAI;
  let base: string;

  beforeAll(async () => {
    service = await startService({
      name: 'router',
      module: TestModule,
      host: '127.0.0.1',
      httpPort: 0,
      httpBodyLimitBytes: 2 * MAX_REQUEST_BYTES,
    });
    base = `http://127.0.0.1:${service.port}`;
    openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await service.stop();
  });

  describe('POST /v1/responses', () => {
    it('answers a response object the client parses, text in output_text', async () => {
      script = async () => result({ output: 'Cats sleep.' });
      const response = await openai.responses.create({
        model: 'agent',
        instructions: 'Be brief.',
        input: 'Summarize.',
      });
      expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'agent', store: false });
      expect(response.id).toMatch(/^resp_/);
      expect(response.output_text).toBe('Cats sleep.');
      expect(response.usage).toMatchObject({ input_tokens: 5, output_tokens: 4, total_tokens: 9 });
      expect(lastCall?.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Summarize.' },
      ]);
    });

    it('answers tool calls as function_call items', async () => {
      script = async () => result({ toolCalls: [weatherCall], finishReason: 'tool_calls' });
      const response = await openai.responses.create({
        model: 'agent',
        input: 'Weather in Paris?',
        tools: [weatherTool],
        tool_choice: 'required',
      });
      expect(response.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          status: 'completed',
        },
      ]);
      expect(response.tools).toEqual([{ ...weatherTool, description: null }]);
      expect(lastCall?.toolChoice).toBe('required');
    });

    it('streams events the client assembles into the final response', async () => {
      script = async (_, { onDelta }) => {
        const deltas: StreamDelta[] = [
          { text: 'Let me ' },
          { text: 'check.' },
          { toolCalls: [{ index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":' }] },
          { toolCalls: [{ index: 0, arguments: '"Paris"}' }] },
        ];
        for (const delta of deltas) {
          onDelta?.(delta);
          await tick();
        }
        return result({ output: 'Let me check.', toolCalls: [weatherCall], finishReason: 'tool_calls' });
      };
      const stream = openai.responses.stream({ model: 'agent', input: 'Weather in Paris?', tools: [weatherTool] });
      const types: string[] = [];
      let text = '';
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.output_text.delta') text += event.delta;
      }
      const final = await stream.finalResponse();
      expect(text).toBe('Let me check.');
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.completed');
      expect(types.filter((t) => t === 'response.function_call_arguments.delta')).toHaveLength(2);
      // The client adds output_text to a streamed final response only when it parses (zod) formats or tools.
      expect(final.output[0]).toMatchObject({
        type: 'message',
        content: [{ type: 'output_text', text: 'Let me check.' }],
      });
      expect(final.output[1]).toMatchObject({
        type: 'function_call',
        call_id: 'call_1',
        arguments: '{"city":"Paris"}',
      });
    });

    it('fails a stream that breaks with an error event the client raises', async () => {
      script = async (_, { onDelta }) => {
        onDelta?.({ text: 'Hel' });
        await tick();
        throw new CallFailure('UNAVAILABLE', 'STREAM_INTERRUPTED', 'the replica failed mid-stream');
      };
      const stream = openai.responses.stream({ model: 'agent', input: 'Hi' });
      await expect(stream.finalResponse()).rejects.toMatchObject({ type: 'error', code: 'STREAM_INTERRUPTED' });
    });

    it('answers a call refused before any output with its HTTP status, streamed or not', async () => {
      const error = await openai.responses.create({ model: 'nope', input: 'x', stream: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ code: 'TASK_NOT_FOUND' });
    });

    it.each([
      ['previous_response_id', { previous_response_id: 'resp_1' }, /stores no responses/],
      ['store', { store: true }, /stores no responses/],
      ['conversation', { conversation: 'conv_1' }, /stores no responses/],
      ['tools[0].type', { tools: [{ type: 'web_search' }] }, /only "function" tools/],
      ['max_output_tokens', { max_output_tokens: 0 }, /max_output_tokens/],
      ['frequency_penalty', { frequency_penalty: 1 }, /not a Responses API parameter/],
    ])('refuses %s with a 400 naming it', async (param, fields, message) => {
      const error = await openai.responses
        .create({ model: 'agent', input: 'x', ...fields } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({
        status: 400,
        param,
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(message),
      });
    });
  });

  describe('GET /v1/models/{model}', () => {
    it('gives a task as a model', async () => {
      await expect(openai.models.retrieve('agent')).resolves.toEqual({
        id: 'agent',
        object: 'model',
        created: 0,
        owned_by: 'slm-fleet',
      });
    });

    it("answers OpenAI's model_not_found for an unknown task", async () => {
      const error = await openai.models.retrieve('nope').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    });
  });

  describe("errors no controller sees, in OpenAI's shape", () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

    it('a body that is not JSON: 400 invalid_json', async () => {
      const response = await post('/v1/responses', '{"model": "agent",');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          message: expect.stringMatching(/could not parse the JSON body/),
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_json',
        },
      });
    });

    it.each(['soon', '0', '-5', '1.5', String(2 ** 31)])(
      'an X-Slm-Timeout-Ms of %s: 400 naming the header, not a silent default or an instant 504',
      async (value) => {
        const body = JSON.stringify({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] });
        const response = await post('/v1/chat/completions', body, { 'x-slm-timeout-ms': value });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { param: string } }).error.param).toBe('X-Slm-Timeout-Ms header');
      },
    );

    it('a passing unavailability: 503 with Retry-After, which the openai SDK waits out and retries', async () => {
      let attempts = 0;
      script = async () => {
        attempts++;
        if (attempts === 1) throw new CallFailure('UNAVAILABLE', 'ROUTING_TABLE_NOT_READY', 'not listed yet; retry');
        return result({ output: 'second time lucky' });
      };
      const raw = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(raw.status).toBe(503);
      expect(raw.headers.get('retry-after')).toBe('1');
      attempts = 0;
      const retrying = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 1 });
      const answer = await retrying.chat.completions.create({
        model: 'agent',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(answer.choices[0]?.message.content).toBe('second time lucky');
      expect(attempts).toBe(2);
    });

    it('a key reused for another request: 409 the openai SDK does not retry', async () => {
      let attempts = 0;
      script = async () => {
        attempts++;
        throw new CallFailure('FAILED_PRECONDITION', 'IDEMPOTENCY_KEY_REUSED', 'key used for a different request');
      };
      const retrying = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 2 });
      const failure = await retrying.chat.completions
        .create({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error as { status: number; code: string });
      expect(failure).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(attempts).toBe(1);
    });

    it('an unexpected error: 500 naming an errorId, under which the log has the stack', async () => {
      script = async () => {
        throw new TypeError('a bug');
      };
      logged.length = 0;
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as { error: { message: string; code: string } };
      const errorId = /errorId ([0-9a-f]+)/.exec(error.message)?.[1];
      expect(errorId).toBeDefined();
      expect(logged).toMatchObject([{ errorId, task: 'agent', error: expect.stringContaining('TypeError: a bug') }]);
    });

    it('an X-Slm-Timeout-Ms in range becomes the deadline', async () => {
      let deadline: number | undefined;
      script = async (_call, options) => ((deadline = options.deadline), result({ output: 'ok' }));
      const body = JSON.stringify({ model: 'agent', messages: [{ role: 'user', content: 'hi' }] });
      const sent = Date.now();
      expect((await post('/v1/chat/completions', body, { 'x-slm-timeout-ms': '60000' })).status).toBe(200);
      expect(deadline).toBeGreaterThanOrEqual(sent + 60_000);
      expect(deadline).toBeLessThan(sent + 70_000);
    });

    it("a chunked body over the router's limit (no Content-Length): 413 REQUEST_TOO_LARGE", async () => {
      const text = JSON.stringify({
        model: 'agent',
        messages: [{ role: 'user', content: 'x'.repeat(MAX_REQUEST_BYTES) }],
      });
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_TOO_LARGE');
    });

    it('a body over the limit: 413', async () => {
      const response = await post(
        '/v1/chat/completions',
        JSON.stringify({ model: 'agent', pad: 'x'.repeat(3 * MAX_REQUEST_BYTES) }),
      );
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'REQUEST_TOO_LARGE' },
      });
    });

    it('an unknown route: 404 unknown_url', async () => {
      const response = await post('/v1/embeddings', '{}');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { message: expect.stringMatching(/^Invalid URL \(POST \/v1\/embeddings\)/), code: 'unknown_url' },
      });
    });

    it('a known route with another method: 405 with Allow', async () => {
      const response = await fetch(`${base}/v1/responses`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    });

    it('leaves probes and other paths as they were', async () => {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      service.app.get(Readiness).register({
        name: 'redis',
        check: async () => {
          throw new Error('redis connecting');
        },
      });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, checks: { redis: 'redis connecting' } });
      const unknown = await fetch(`${base}/nope`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ statusCode: 404 });
    });
  });

  it('knows every OpenAI route the controllers serve, and no other', () => {
    const served = [OpenAiController, ResponsesController].flatMap((controller) => {
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;
      const proto = controller.prototype as unknown as Record<string, unknown>;
      return Object.getOwnPropertyNames(proto)
        .filter((name) => Reflect.hasMetadata(METHOD_METADATA, proto[name] as object))
        .map((name) => {
          const handler = proto[name] as object;
          const path = `/${prefix}/${Reflect.getMetadata(PATH_METADATA, handler) as string}`.replace(/:(\w+)/g, '{$1}');
          return `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]} ${path}`;
        });
    });
    expect(served.sort()).toEqual(OPENAI_ROUTES.map((r) => `${r.method} ${r.name}`).sort());
  });
});
