// How a router learns a job's result, measured: BullMQ QueueEvents (a Redis stream every
// router reads) against a reply list per router (the worker RPUSHes, the router BLPOPs), and,
// for token streaming, chunks on that reply list against a Redis stream per call.
// Producer, no-op worker and waiter share one process and a private redis-server, so the
// figures are the floor the data plane builds on. Run: npm run bench:result-path
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort } from '@slm-fleet/service';

const SEQUENTIAL_CALLS = 2000;
const PARALLEL_SECONDS = 5;
const IN_FLIGHT = 64;
const CHUNKS_PER_CALL = 20;

interface Path {
  name: string;
  /** Runs one call through the queue and resolves when its result (or its last chunk) is in. */
  call: (id: number) => Promise<void>;
  close: () => Promise<void>;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, stop: () => (child.kill(), rmSync(dir, { recursive: true, force: true })) };
}

const connect = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: null });

/** Waiting through QueueEvents: `job.waitUntilFinished` (BullMQ's own request/response). */
function queueEventsPath(url: string, name: string): Path {
  const connection = connect(url);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection: { url } });
  const worker = new Worker(name, async () => ({ ok: true }), { connection: connect(url), concurrency: IN_FLIGHT });
  // waitUntilFinished adds listeners per waiting call: 64 in flight is expected, not a leak.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  return {
    name: 'QueueEvents',
    call: async (id) => {
      const job = await queue.add('call', { id }, { removeOnComplete: { age: 60 } });
      await job.waitUntilFinished(events);
    },
    close: async () => {
      await Promise.all([worker.close(), events.close(), queue.close()]);
      connection.disconnect();
    },
  };
}

/** The worker pushes the result (or each chunk) on the caller's reply list; one BLPOP loop reads it. */
function replyListPath(url: string, name: string, chunks: number): Path {
  const connection = connect(url);
  const replies = connect(url);
  const blocking = connect(url);
  const queue = new Queue(name, { connection });
  const key = `replies:{${name}}`;
  const waiting = new Map<number, { left: number; done: () => void }>();
  const worker = new Worker(
    name,
    async (job: Job<{ id: number }>) => {
      for (let i = 0; i < chunks; i++) await replies.rpush(key, JSON.stringify({ id: job.data.id, chunk: i }));
      await replies
        .multi()
        .rpush(key, JSON.stringify({ id: job.data.id, done: true }))
        .expire(key, 300)
        .exec();
      return { ok: true };
    },
    { connection: connect(url), concurrency: IN_FLIGHT },
  );
  let running = true;
  const deliver = (raw: string): void => {
    const reply = JSON.parse(raw) as { id: number; done?: boolean };
    const entry = waiting.get(reply.id);
    if (entry && reply.done) entry.done();
  };
  const loop = (async () => {
    while (running) {
      const first = await blocking.blpop(key, 1);
      if (!first) continue;
      deliver(first[1]);
      for (let batch = await blocking.lpop(key, 256); batch?.length; batch = await blocking.lpop(key, 256)) {
        batch.forEach(deliver);
      }
    }
  })();
  return {
    name: chunks ? `reply list, ${chunks} chunks` : 'reply list',
    call: (id) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(id, { left: chunks, done: () => (waiting.delete(id), resolve()) });
        queue.add('call', { id }, { removeOnComplete: { age: 60 } }).catch(reject);
      }),
    close: async () => {
      running = false;
      await loop;
      await Promise.all([worker.close(), queue.close()]);
      for (const c of [connection, replies, blocking]) c.disconnect();
    },
  };
}

/** Chunks on a Redis stream per call (XADD with a TTL), read by XREAD BLOCK on a pooled connection. */
function streamPerCallPath(url: string, name: string, chunks: number): Path {
  const connection = connect(url);
  const writer = connect(url);
  const readers = Array.from({ length: IN_FLIGHT }, () => connect(url));
  const free = [...readers];
  const queue = new Queue(name, { connection });
  const worker = new Worker(
    name,
    async (job: Job<{ id: number }>) => {
      const key = `stream:{${name}}:${job.data.id}`;
      for (let i = 0; i < chunks; i++) await writer.xadd(key, '*', 'chunk', String(i));
      await writer.multi().xadd(key, '*', 'done', '1').expire(key, 300).exec();
      return { ok: true };
    },
    { connection: connect(url), concurrency: IN_FLIGHT },
  );
  return {
    name: `stream per call, ${chunks} chunks`,
    call: async (id) => {
      const reader = free.pop();
      if (!reader) throw new Error('reader pool exhausted');
      const key = `stream:{${name}}:${id}`;
      try {
        await queue.add('call', { id }, { removeOnComplete: { age: 60 } });
        let last = '0';
        for (;;) {
          const result = (await reader.xread('BLOCK', 5000, 'STREAMS', key, last)) as
            [string, [string, string[]][]][] | null;
          const entries = result?.[0]?.[1] ?? [];
          last = entries.at(-1)?.[0] ?? last;
          if (entries.some(([, fields]) => fields[0] === 'done')) break;
        }
      } finally {
        free.push(reader);
      }
    },
    close: async () => {
      await Promise.all([worker.close(), queue.close()]);
      for (const c of [connection, writer, ...readers]) c.disconnect();
    },
  };
}

async function measure(path: Path): Promise<{ path: string; p50Ms: number; p99Ms: number; callsPerSecond: number }> {
  for (let i = 0; i < 200; i++) await path.call(-i - 1); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const start = process.hrtime.bigint();
    await path.call(i);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  let next = SEQUENTIAL_CALLS;
  let done = 0;
  const until = Date.now() + PARALLEL_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < until) {
        await path.call(next++);
        done++;
      }
    }),
  );
  const result = {
    path: path.name,
    p50Ms: Math.round(percentile(latencies, 50) * 1000) / 1000,
    p99Ms: Math.round(percentile(latencies, 99) * 1000) / 1000,
    callsPerSecond: Math.round(done / PARALLEL_SECONDS),
  };
  await path.close();
  return result;
}

async function main(): Promise<void> {
  const redis = await startRedis();
  try {
    const results = [];
    results.push(await measure(queueEventsPath(redis.url, 'qe')));
    results.push(await measure(replyListPath(redis.url, 'rl', 0)));
    results.push(await measure(replyListPath(redis.url, 'rls', CHUNKS_PER_CALL)));
    results.push(await measure(streamPerCallPath(redis.url, 'spc', CHUNKS_PER_CALL)));
    console.table(results);
    const [events, list, listChunks, streams] = results;
    const summary = {
      replyListVsQueueEventsP50: events && list ? Math.round((events.p50Ms / list.p50Ms) * 100) / 100 : undefined,
      replyListVsQueueEventsThroughput:
        events && list ? Math.round((list.callsPerSecond / events.callsPerSecond) * 100) / 100 : undefined,
      replyListVsStreamPerCallThroughput:
        listChunks && streams
          ? Math.round((listChunks.callsPerSecond / streams.callsPerSecond) * 100) / 100
          : undefined,
    };
    console.log(JSON.stringify(summary));
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `result-path-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ sequentialCalls: SEQUENTIAL_CALLS, inFlight: IN_FLIGHT, results, summary }, null, 2),
    );
    console.log(`wrote ${file}`);
  } finally {
    redis.stop();
  }
}

await main();
