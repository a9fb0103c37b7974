import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from './engine-error.js';
import { OpenAIClient } from './openai-client.js';

// A few-line stand-in engine on loopback: checks what the client sends and how it reads answers.
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;
let client: OpenAIClient | undefined;

async function engine(handler: Handler, apiKey?: string): Promise<OpenAIClient> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  client = new OpenAIClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, apiKey });
  return client;
}

const caught = async (promise: Promise<unknown>): Promise<EngineError> => {
  try {
    await promise;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected a rejection');
};

afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  client = undefined;
});

describe('OpenAIClient', () => {
  it('streams a completion with usage requested, and reports deltas', async () => {
    let sent: Record<string, unknown> = {};
    let path = '';
    const c = await engine((req, body, res) => {
      path = req.url ?? '';
      sent = JSON.parse(body) as Record<string, unknown>;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"model":"m","choices":[{"delta":{"content":"a"}}]}\n\n');
      res.write('data: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]}\n\n');
      res.end('data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":2}}\n\ndata: [DONE]\n\n');
    });
    const deltas: string[] = [];
    const result = await c.chatCompletionStream(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 },
      { onDelta: (delta) => deltas.push(delta.text ?? '') },
    );
    expect(path).toBe('/v1/chat/completions');
    expect(sent).toMatchObject({ model: 'm', max_tokens: 2, stream: true, stream_options: { include_usage: true } });
    expect(deltas).toEqual(['a', 'b']);
    expect(result).toMatchObject({ output: 'ab', finishReason: 'stop', model: 'm' });
    expect(result.usage).toEqual({ promptTokens: 2, completionTokens: 2 });
    expect(result.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('classifies 4xx as invalid with the engine message, 5xx as transient', async () => {
    let status = 400;
    const c = await engine((_req, _body, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'unknown model x' } }));
    });
    const invalid = await caught(c.chatCompletionStream({ messages: [] }));
    expect(invalid.kind).toBe('invalid');
    expect(invalid.message).toContain('unknown model x');
    status = 500;
    expect((await caught(c.chatCompletionStream({ messages: [] }))).kind).toBe('transient');
  });

  it('reports an abort as aborted, with the reason', async () => {
    const c = await engine((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"a"}}]}\n\n'); // then hangs
    });
    const controller = new AbortController();
    const error = await caught(
      c.chatCompletionStream(
        { messages: [] },
        { signal: controller.signal, onDelta: () => controller.abort('cancelled') },
      ),
    );
    expect(error.kind).toBe('aborted');
    expect(error.reason).toBe('cancelled');
  });

  it('is ready only when GET /models answers 2xx, and transient when unreachable', async () => {
    let ready = false;
    const c = await engine((req, _body, res) => {
      res.writeHead(req.url === '/v1/models' && ready ? 200 : 503);
      res.end('{}');
    });
    expect(await c.isReady()).toBe(false);
    ready = true;
    expect(await c.isReady()).toBe(true);

    const nowhere = new OpenAIClient({ baseUrl: 'http://127.0.0.1:1/v1' });
    expect(await nowhere.isReady()).toBe(false);
    expect((await caught(nowhere.chatCompletionStream({ messages: [] }))).kind).toBe('transient');
    await nowhere.close();
  });

  it('sends the API key as a bearer token on every request, and never in an error', async () => {
    const seen: (string | undefined)[] = [];
    const c = await engine((req, _body, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/v1/models') {
        res.writeHead(200);
        res.end('{}');
        return;
      }
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }));
    }, 'sk-test-key');
    expect(await c.probeModels()).toBe('ready');
    const refused = await caught(c.chatCompletionStream({ messages: [] }));
    expect(seen).toEqual(['Bearer sk-test-key', 'Bearer sk-test-key']);
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toContain('the API key is missing or refused');
    expect(refused.message).not.toContain('sk-test-key');
  });

  it('probes GET /models: unauthorized on 401, unreachable without an answer', async () => {
    const c = await engine((_req, _body, res) => {
      res.writeHead(401);
      res.end('{}');
    });
    expect(await c.probeModels()).toBe('unauthorized');
    expect(await c.isReady()).toBe(false);
    const nowhere = new OpenAIClient({ baseUrl: 'http://127.0.0.1:1/v1' });
    expect(await nowhere.probeModels()).toBe('unreachable');
    await nowhere.close();
  });

  it('reports a 429 as rate-limited with Retry-After', async () => {
    const c = await engine((_req, _body, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }));
    });
    const limited = await caught(c.chatCompletionStream({ messages: [] }));
    expect(limited).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7_000 });
  });
});
