import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  EngineError,
  type ChatCompletionRequest,
  type ChatCompletionResult,
  type StreamOptions,
} from '@slm-fleet/engines';
import { decodeCallError, type CallJobData, type CallReply, type CallResult } from '@slm-fleet/queue';
import { createMetricsRegistry, renderMetrics } from '@slm-fleet/telemetry';
import { ABORT } from './call-policy.js';
import { createCallProcessor } from './call-processor.js';
import { createWorkerMetrics } from './worker-metrics.js';

// The processor against a scripted engine and a fake job: what is sent, replied and thrown.

type Script = (request: ChatCompletionRequest, options: StreamOptions) => Promise<ChatCompletionResult>;
const answer: ChatCompletionResult = {
  output: 'hi there',
  finishReason: 'stop',
  model: 'm',
  usage: { promptTokens: 1, completionTokens: 2 },
  timeToFirstTokenMs: 1,
};

/** The endpoint budgets as the processor sees them: a token wait to answer, and what it was told. */
function fakeLimits(tokenWaitMs = 0) {
  const paused: number[] = [];
  const spent: number[] = [];
  return {
    paused,
    spent,
    tokenWaitMs: async () => tokenWaitMs,
    spendTokens: async (tokens: number) => void spent.push(tokens),
    pauseQueue: async (ms: number) => void paused.push(ms),
  };
}

function setup(scripts: Script[], limits = fakeLimits()) {
  const requests: ChatCompletionRequest[] = [];
  const replies: CallReply[] = [];
  const registry = createMetricsRegistry();
  const engine = {
    chatCompletionStream: (request: ChatCompletionRequest, options: StreamOptions = {}) => {
      requests.push(request);
      const script = scripts[Math.min(requests.length, scripts.length) - 1]!;
      return script(request, options);
    },
  };
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createCallProcessor({
    engine,
    send: async (_replyTo, sent) => void replies.push(...sent),
    replica: 'pod-a',
    specialist: 'demo/s',
    model: 'base',
    metrics: createWorkerMetrics(registry),
    logger: silent,
    limits,
    concurrency: 4,
  });
  const movedToWait: string[] = [];
  /** Runs a call as BullMQ would: process, then 'completed' or 'failed' once the job's end is stored. */
  const run = async (data: Partial<CallJobData>, signal?: AbortSignal): Promise<CallResult> => {
    const job = {
      data: { ...callData(), ...data },
      moveToWait: async (token: string) => void movedToWait.push(token),
    } as unknown as Job<CallJobData, CallResult> & { failedReason?: string };
    try {
      const result = await handler.process(job, 'tok', signal);
      repliesBeforeStored.push(replies.length);
      handler.completed(job, result);
      await settled();
      return result;
    } catch (error) {
      repliesBeforeStored.push(replies.length);
      // As BullMQ: only an error that fails the job emits 'failed' (not WaitingError, not a rate limit).
      if (error instanceof UnrecoverableError) {
        job.failedReason = error.message;
        handler.failed(job);
        await settled();
      }
      throw error;
    }
  };
  /** Reply counts when the job's end was stored: the final reply is never among them. */
  const repliesBeforeStored: number[] = [];
  return {
    run,
    limits,
    requests,
    replies,
    repliesBeforeStored,
    movedToWait,
    metrics: async () => (await renderMetrics(registry)).body,
  };
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const callData = (): CallJobData => ({
  v: 1,
  callId: 'c1',
  task: 'demo/t',
  specialist: 'demo/s',
  messages: [{ role: 'user', content: 'hi' }],
  params: {},
  deadline: Date.now() + 60_000,
  enqueuedAt: Date.now(),
  stream: false,
  replyTo: 'slm:replies:{r}',
  retries: 2,
});

const rejection = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the processor to throw');
};

const transient: Script = () => Promise.reject(new EngineError('transient', 'HTTP 500', 500));
const succeed: Script = async () => answer;
/** Never answers: waits for the signal. */
const hang: Script = (_request, { signal }) =>
  new Promise((_resolve, reject) =>
    signal!.addEventListener('abort', () => reject(new EngineError('aborted', 'aborted', undefined, signal!.reason))),
  );

describe('call processor', () => {
  it('answers with a done reply and returns the result', async () => {
    const t = setup([succeed]);
    const result = await t.run({});
    expect(result).toMatchObject({ output: 'hi there', replica: 'pod-a', model: 'm' });
    expect(t.requests[0]).toMatchObject({ model: 'base', messages: [{ role: 'user', content: 'hi' }] });
    expect(t.replies).toEqual([{ callId: 'c1', type: 'done', result }]);
    expect(t.repliesBeforeStored).toEqual([0]);
    expect(await t.metrics()).toContain('slm_fleet_worker_calls_total{specialist="demo/s",outcome="ok"} 1');
  });

  it('never calls the engine after the deadline, and fails unrecoverably', async () => {
    const t = setup([succeed]);
    const error = await rejection(t.run({ deadline: Date.now() - 1 }));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(decodeCallError(error.message).kind).toBe('deadline');
    expect(t.requests).toHaveLength(0);
    expect(t.replies).toMatchObject([{ type: 'error', error: { kind: 'deadline' } }]);
  });

  it('retries transient failures, then reports an engine error', async () => {
    const t = setup([transient]);
    const error = await rejection(t.run({ retries: 2 }));
    expect(t.requests).toHaveLength(3);
    expect(decodeCallError(error.message)).toMatchObject({ kind: 'engine' });
    expect(t.replies).toMatchObject([{ type: 'error', error: { kind: 'engine' } }]);
    expect(t.repliesBeforeStored).toEqual([0]);

    const recovered = setup([transient, succeed]);
    await expect(recovered.run({ retries: 1 })).resolves.toMatchObject({ output: 'hi there' });
    expect(recovered.requests).toHaveLength(2);
  });

  it('does not retry an invalid request', async () => {
    const t = setup([() => Promise.reject(new EngineError('invalid', 'HTTP 400: no such model', 400))]);
    const error = await rejection(t.run({}));
    expect(decodeCallError(error.message)).toEqual({ kind: 'invalid', message: 'HTTP 400: no such model' });
    expect(t.requests).toHaveLength(1);
  });

  it('streams chunks with an attempt id per engine attempt before the done reply', async () => {
    const streaming: Script = async (_request, { onDelta }) => {
      onDelta!({ text: 'hi' });
      await new Promise((resolve) => setImmediate(resolve));
      onDelta!({ text: ' there' });
      return answer;
    };
    const t = setup([transient, streaming]);
    await t.run({ stream: true, retries: 1 });
    expect(t.replies.map((r) => r.type)).toEqual(['chunk', 'chunk', 'done']);
    expect(t.repliesBeforeStored).toEqual([2]);
    expect(t.replies[0]).toEqual({ callId: 'c1', type: 'chunk', attempt: 'pod-a:tok:2', seq: 0, text: 'hi' });
    expect(t.replies[1]).toMatchObject({ attempt: 'pod-a:tok:2', seq: 1, text: ' there' });
  });

  it('fails a cancelled call, and hands a drained call back to the queue', async () => {
    const cancelled = setup([hang]);
    const cancel = new AbortController();
    const running = rejection(cancelled.run({}, cancel.signal));
    cancel.abort(ABORT.cancelled);
    expect(decodeCallError((await running).message).kind).toBe('cancelled');

    const drained = setup([hang]);
    const drain = new AbortController();
    const handedBack = rejection(drained.run({}, drain.signal));
    drain.abort(ABORT.draining);
    expect(await handedBack).toBeInstanceOf(WaitingError);
    expect(drained.movedToWait).toEqual(['tok']);
    expect(drained.replies).toEqual([]);
  });

  it('aborts the engine call at the deadline', async () => {
    const t = setup([hang]);
    const error = await rejection(t.run({ deadline: Date.now() + 50 }));
    expect(decodeCallError(error.message).kind).toBe('deadline');
  });

  it('on a 429 pauses the queue for Retry-After and puts the job back: no retry, no reply', async () => {
    const t = setup([() => Promise.reject(new EngineError('rate-limited', 'HTTP 429', 429, undefined, 2_000))]);
    const error = await rejection(t.run({ retries: 2 }));
    expect(error.message).toBe(Worker.RateLimitError().message);
    expect(t.requests).toHaveLength(1);
    expect(t.limits.paused).toEqual([2_000]);
    expect(t.replies).toEqual([]);
    expect(await t.metrics()).toContain('slm_fleet_worker_calls_total{specialist="demo/s",outcome="rate_limited"} 1');
  });

  it('fails a call as a deadline when Retry-After reaches past its deadline', async () => {
    const t = setup([() => Promise.reject(new EngineError('rate-limited', 'HTTP 429', 429, undefined, 120_000))]);
    const error = await rejection(t.run({}));
    expect(decodeCallError(error.message)).toMatchObject({ kind: 'deadline', message: /HTTP 429.*120000 ms/ });
    expect(t.limits.paused).toEqual([]);
    expect(t.replies).toMatchObject([{ type: 'error', error: { kind: 'deadline' } }]);
  });

  it('with the token budget spent, pauses the queue without calling the engine', async () => {
    const t = setup([succeed], fakeLimits(5_000));
    expect((await rejection(t.run({}))).message).toBe(Worker.RateLimitError().message);
    expect(t.requests).toHaveLength(0);
    expect(t.limits.paused).toEqual([5_000]);
  });

  it('counts the tokens of an answered call in the budget', async () => {
    const t = setup([succeed]);
    await t.run({});
    expect(t.limits.spent).toEqual([3]);
  });
});
