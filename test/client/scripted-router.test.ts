// The client against a scripted AgentRouter served by grpc-js in this process: each test
// says how the router answers each attempt, and sees what the client sent. This shows the
// retry loop's behaviour exactly (which failures are retried, the same idempotency key on
// every attempt, the deadline sent, streams retried only before their first chunk).
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlmFleetClient, type InvokeStreamChunk, type RetryEvent } from '@slm-fleet/client';
import { AgentRouterService, type InvokeChunk, type InvokeRequest, type InvokeResponse } from '@slm-fleet/proto';
import { failureOf } from './fleet-helpers.js';

interface Failure {
  code: status;
  reason: string;
}
/** How one attempt ends: a failure, an answer, or never (until the client gives up). */
type Outcome = Failure | { output: string } | 'hang';
/** What the router does with one attempt; a stream may send chunks first. */
type Script = Outcome | { chunks: string[]; then: Outcome };

interface Seen {
  request: InvokeRequest;
  deadline: number;
  metadata: Metadata;
}

const answer = (output: string): InvokeResponse => ({
  output,
  finishReason: 'stop',
  callId: 'call-1',
  toolCalls: [],
  logprobs: [],
});
const failure = ({ code, reason }: Failure) => {
  const metadata = new Metadata();
  metadata.set('slm-error-reason', reason);
  return { code, details: `scripted ${reason}`, metadata };
};

describe('the client against a scripted router', () => {
  const server = new Server();
  let scripts: Script[] = [];
  let seen: Seen[] = [];
  let cancelled = 0;
  let port = 0;
  const next = (call: ServerUnaryCall<InvokeRequest, unknown> | ServerWritableStream<InvokeRequest, unknown>) => {
    const deadline = call.getDeadline();
    seen.push({ request: call.request, deadline: Number(deadline), metadata: call.metadata });
    call.on('cancelled', () => cancelled++);
    return scripts.shift() ?? 'hang';
  };

  beforeAll(async () => {
    server.addService(AgentRouterService, {
      invoke(call: ServerUnaryCall<InvokeRequest, InvokeResponse>, done: sendUnaryData<InvokeResponse>) {
        const script = next(call);
        const outcome = typeof script === 'object' && 'then' in script ? script.then : script;
        if (outcome === 'hang') return;
        if ('code' in outcome) done(failure(outcome));
        else done(null, answer(outcome.output));
      },
      invokeStream(call: ServerWritableStream<InvokeRequest, InvokeChunk>) {
        const script = next(call);
        const { chunks, then } = typeof script === 'object' && 'then' in script ? script : { chunks: [], then: script };
        for (const delta of chunks) call.write({ delta, toolCalls: [] });
        if (then === 'hang') return;
        if ('code' in then) return call.emit('error', failure(then));
        call.write({ delta: '', done: answer(then.output), toolCalls: [] });
        call.end();
      },
      listTasks(_call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) {
        done(null, { tasks: [] });
      },
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
  });
  afterAll(() => server.forceShutdown());
  beforeEach(() => {
    scripts = [];
    seen = [];
    cancelled = 0;
  });

  const retries: RetryEvent[] = [];
  const clientWith = (maxAttempts = 5) => {
    retries.length = 0;
    return new SlmFleetClient({
      target: `127.0.0.1:${port}`,
      retry: { maxAttempts, initialBackoffMs: 1, maxBackoffMs: 5, onRetry: (event) => retries.push(event) },
    });
  };
  const collect = async (chunks: AsyncIterable<InvokeStreamChunk>) => {
    const all: InvokeStreamChunk[] = [];
    for await (const chunk of chunks) all.push(chunk);
    return all;
  };

  it("retries UNAVAILABLE and a full queue with the same idempotency key, within the caller's deadline", async () => {
    const client = clientWith();
    scripts = [
      { code: status.UNAVAILABLE, reason: 'QUEUE_UNAVAILABLE' },
      { code: status.RESOURCE_EXHAUSTED, reason: 'QUEUE_FULL' },
      { output: 'third time lucky' },
    ];
    const deadline = Date.now() + 20_000;
    const result = await client.invoke('t', { prompt: 'p' }, { deadline, metadata: { traceparent: 'tp' } });
    expect(result.output).toBe('third time lucky');
    expect(seen).toHaveLength(3);
    const keys = new Set(seen.map((s) => s.request.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    // grpc-timeout travels as a duration, so the router's copy of the deadline is near, not equal.
    for (const attempt of seen) expect(Math.abs(attempt.deadline - deadline)).toBeLessThan(1_000);
    expect(seen.every((s) => s.metadata.get('traceparent')[0] === 'tp')).toBe(true);
    expect(retries.map((r) => [r.attempt, r.error.reason])).toEqual([
      [1, 'QUEUE_UNAVAILABLE'],
      [2, 'QUEUE_FULL'],
    ]);
    client.close();
  });

  it("sends the caller's idempotency key, and a new key for each logical call", async () => {
    const client = clientWith();
    scripts = [{ output: 'a' }, { output: 'b' }, { output: 'c' }];
    await client.invoke('t', { prompt: 'p' }, { idempotencyKey: 'order-42' });
    await client.invoke('t', { prompt: 'p' });
    await client.invoke('t', { prompt: 'p' });
    const [mine, first, second] = seen.map((s) => s.request.idempotencyKey);
    expect(mine).toBe('order-42');
    expect(first).not.toBe(second);
    client.close();
  });

  it('does not retry what a retry cannot change, and says so on the error', async () => {
    const client = clientWith();
    for (const [code, reason] of [
      [status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'],
      [status.NOT_FOUND, 'TASK_NOT_FOUND'],
      [status.FAILED_PRECONDITION, 'OUTPUT_SCHEMA_MISMATCH'],
      [status.RESOURCE_EXHAUSTED, 'REQUEST_TOO_LARGE'],
    ] as const) {
      scripts = [{ code, reason }, { output: 'never' }];
      seen = [];
      const error = await failureOf(client.invoke('t', { prompt: 'p' }));
      expect(error).toMatchObject({ code: status[code], reason, retryable: false, attempts: 1 });
      expect(seen).toHaveLength(1);
    }
    client.close();
  });

  it('gives up after maxAttempts with the last failure', async () => {
    const client = clientWith(3);
    scripts = Array.from({ length: 5 }, () => ({ code: status.UNAVAILABLE, reason: 'SPECIALIST_FAILED' }));
    const error = await failureOf(client.invoke('t', { prompt: 'p' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', reason: 'SPECIALIST_FAILED', retryable: true, attempts: 3 });
    expect(seen).toHaveLength(3);
    client.close();
  });

  it('refuses calls once closed, without sending them', async () => {
    const client = clientWith();
    client.close();
    const error = await failureOf(client.invoke('t', { prompt: 'p' }));
    expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'CLIENT_CLOSED', retryable: false });
    expect(seen).toHaveLength(0);
  });

  it('fails with DEADLINE_EXCEEDED when the router does not answer in time, and does not retry it', async () => {
    const client = clientWith();
    scripts = ['hang', { output: 'never' }];
    const error = await failureOf(client.invoke('t', { prompt: 'p' }, { timeoutMs: 300 }));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(seen).toHaveLength(1);
    client.close();
  });

  it('cancels a call when its signal aborts, on the wire and while waiting to retry', async () => {
    const client = clientWith();
    scripts = ['hang'];
    const controller = new AbortController();
    const call = client.invoke('t', { prompt: 'p' }, { signal: controller.signal });
    await expect.poll(() => seen.length).toBe(1);
    controller.abort();
    expect(await failureOf(call)).toMatchObject({ code: 'CANCELLED', retryable: false });
    await expect.poll(() => cancelled).toBe(1);

    const slow = new SlmFleetClient({
      target: `127.0.0.1:${port}`,
      retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    });
    scripts = [{ code: status.UNAVAILABLE, reason: 'CALL_LOST' }];
    const waiting = new AbortController();
    const retried = slow.invoke('t', { prompt: 'p' }, { signal: waiting.signal, timeoutMs: 120_000 });
    await expect.poll(() => seen.length).toBe(2);
    waiting.abort();
    expect(await failureOf(retried)).toMatchObject({ code: 'CANCELLED', attempts: 1 });
    slow.close();
    client.close();
  });

  it('retries a stream that failed before its first chunk, not one that had started', async () => {
    const client = clientWith();
    scripts = [
      { code: status.UNAVAILABLE, reason: 'QUEUE_UNAVAILABLE' },
      { chunks: ['a', 'b'], then: { output: 'ab' } },
    ];
    const chunks = await collect(client.invokeStream('t', { prompt: 'p' }));
    const seenChunks = chunks.map((c) =>
      c.type === 'delta' ? c.text : c.type === 'done' ? `done:${c.result.output}` : c.type,
    );
    expect(seenChunks).toEqual(['a', 'b', 'done:ab']);
    expect(new Set(seen.map((s) => s.request.idempotencyKey)).size).toBe(1);

    scripts = [{ chunks: ['a'], then: { code: status.UNAVAILABLE, reason: 'CALL_LOST' } }];
    seen = [];
    const error = await failureOf(collect(client.invokeStream('t', { prompt: 'p' })));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', reason: 'CALL_LOST', retryable: true, attempts: 1 });
    expect(seen).toHaveLength(1);
    client.close();
  });

  it('cancels a stream whose signal aborts, or that the caller stops reading', async () => {
    const client = clientWith();
    scripts = ['hang'];
    const controller = new AbortController();
    const reading = collect(client.invokeStream('t', { prompt: 'p' }, { signal: controller.signal }));
    await expect.poll(() => seen.length).toBe(1);
    controller.abort();
    expect(await failureOf(reading)).toMatchObject({ code: 'CANCELLED' });
    await expect.poll(() => cancelled).toBe(1);

    scripts = [{ chunks: ['first', 'second'], then: 'hang' }];
    for await (const chunk of client.invokeStream('t', { prompt: 'p' })) {
      expect(chunk).toEqual({ type: 'delta', text: 'first' });
      break;
    }
    await expect.poll(() => cancelled).toBe(2);
    client.close();
  });
});
