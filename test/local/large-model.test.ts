// The large-model tier in local mode: examples/local's openai Specialist (large-model.yaml), the
// fallback of the demo tasks, served by a worker process beside an engine simulator with the
// large-model profile; with --llm-url, by a worker calling that endpoint with the key from the
// environment. The key reaches the worker's environment only: no command line, no log line.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, repoRoot } from '@slm-fleet/testing';
import { RouterClient, spawnFleet, stopFleet, type FleetProcess } from '../data-plane/fleet.js';
import { environmentOf, processesOf, startLocal, type LocalProcess } from './local-process.js';

const examples = join(repoRoot, 'examples', 'local');
const LARGE = 'local/large-model';

/** Stops a local mode with SIGTERM (it drains and stops its children) and checks it exits 0. */
async function stop(local: LocalProcess | undefined): Promise<void> {
  if (!local || local.child.exitCode !== null) return;
  local.child.kill('SIGTERM');
  expect(await local.exited).toBe(0);
}

/** The pids of the large model's first replica, once it has started. */
function largeReplica(local: LocalProcess): { workerPid: number; enginePid: number | undefined } {
  const started = local.logged('replica started', { specialist: LARGE })[0];
  if (!started) throw new Error('the large model has no replica yet');
  return { workerPid: Number(started['workerPid']), enginePid: started['enginePid'] as number | undefined };
}

describe('slm-fleet local: the large model of examples/local, on a simulator', () => {
  let local: LocalProcess | undefined;
  let client: RouterClient | undefined;
  const running = () => {
    if (!local || !client) throw new Error('local mode did not start');
    return { local, client };
  };

  beforeAll(async () => {
    // No key of the developer's own: the simulator needs none from the user.
    local = startLocal(examples, [], { SLM_FLEET_LLM_API_KEY: '' });
    client = new RouterClient(await local.grpcPort);
  });
  afterAll(async () => {
    client?.close();
    await stop(local);
  });

  it('serves the openai Specialist with a worker beside a large-model simulator, sharing a key only in their environments', async () => {
    await eventually(async () => expect(running().local.counts(LARGE)).toMatchObject({ ready: 1, asked: 1 }), {
      timeoutMs: 90_000,
    });
    const { workerPid, enginePid } = largeReplica(running().local);
    const worker = processesOf(`--replica large-model-${running().local.runId()}-0`);
    expect(worker).toHaveLength(1);
    // The operator's flags for an openai worker, from engine.maxConcurrency and engine.limits.
    expect(worker[0]).toContain('--model gpt-4o-mini --concurrency 16 --endpoint-concurrency 16');
    expect(worker[0]).toContain('--requests-per-minute 500 --tokens-per-minute 200000');
    expect(enginePid).toBeGreaterThan(0);
    const simulator = processesOf('--profile large-model').filter((line) => line.includes('--model gpt-4o-mini'));
    expect(simulator.length).toBeGreaterThan(0);
    const key = environmentOf(workerPid, 'SLM_FLEET_ENGINE_API_KEY');
    expect(key).toMatch(/^[0-9a-f]{48}$/);
    expect(environmentOf(Number(enginePid), 'SLM_FLEET_SIM_API_KEY')).toBe(key);
    expect(processesOf(key ?? 'no key')).toEqual([]);
    expect(running().local.output.join('\n')).not.toContain(key);
    // The log says how the tier is served, and calls it a simulator.
    expect(running().local.serving()?.['largeModels']).toEqual(['large-model: simulator (large-model profile)']);
  });

  it("answers the large model's own task through its queue", async () => {
    const answer = await running().client.invoke(
      { task: 'ask-large-model', prompt: 'Say hello.' },
      { deadlineMs: 60_000 },
    );
    expect(answer.answeredBy).toMatchObject({ specialist: LARGE, model: 'gpt-4o-mini' });
    expect(answer.answeredBy?.replica).toBe(`large-model-${running().local.runId()}-0`);
  });

  it('answers the demo tasks by either tier, and says which', async () => {
    // classify-ticket starts at zero replicas: the large model may answer while one starts.
    for (const task of ['extract-invoice', 'classify-ticket']) {
      const answer = await running().client.invoke(
        { task, prompt: 'Invoice INV-7, 120.50 EUR: please classify.' },
        { deadlineMs: 60_000 },
      );
      const by = answer.answeredBy;
      expect(['specialist', 'fallback'], task).toContain(by?.tier);
      if (by?.tier === 'fallback') {
        expect(by).toMatchObject({ specialist: LARGE });
        expect(by.fallbackReason).toMatch(/^(no_ready_replica|overflow|queue_delay|invalid_output|specialist_error)$/);
      } else {
        expect(by?.specialist).not.toBe(LARGE);
        expect(by?.fallbackReason).toBe('');
      }
    }
  });

  it('says who answered on the HTTP door too', async () => {
    const http = String(running().local.serving()?.['http'] ?? '');
    const response = await fetch(`http://${http}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'summarize', messages: [{ role: 'user', content: 'Summarize: a short text.' }] }),
      signal: AbortSignal.timeout(60_000),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const tier = response.headers.get('x-slm-tier');
    expect(['specialist', 'fallback']).toContain(tier);
    expect(response.headers.get('x-slm-answered-by')).toBe(tier === 'fallback' ? LARGE : 'local/summarizer');
    expect(response.headers.has('x-slm-fallback-reason')).toBe(tier === 'fallback');
  });

  it("never scales the large model's workers", () => {
    expect(
      running()
        .local.scaled()
        .filter((s) => s.specialist === LARGE),
    ).toEqual([]);
    expect(running().local.counts(LARGE)).toMatchObject({ ready: 1, asked: 1 });
  });
});

describe('slm-fleet local --llm-url: the large model at a real endpoint', () => {
  const key = `sk-test-${Math.random().toString(36).slice(2)}`;
  let endpoint: FleetProcess | undefined;
  let local: LocalProcess | undefined;
  let client: RouterClient | undefined;

  beforeAll(async () => {
    // The endpoint: a simulator that answers only callers with the key.
    endpoint = await spawnFleet(
      'endpoint',
      ['engine-sim', '--model', 'big-model', '--ttft', '0ms', '--tpot', '0ms', '--api-key-env', 'TEST_ENDPOINT_KEY'],
      { TEST_ENDPOINT_KEY: key },
    );
    const dir = mkdtempSync(join(tmpdir(), 'slm-local-llm-'));
    copyFileSync(join(examples, 'large-model.yaml'), join(dir, 'large-model.yaml'));
    local = startLocal(
      dir,
      [
        '--llm-url',
        `http://127.0.0.1:${endpoint.port}/v1`,
        '--llm-model',
        'big-model',
        '--llm-api-key-env',
        'TEST_LLM_KEY',
      ],
      { TEST_LLM_KEY: key },
    );
    client = new RouterClient(await local.grpcPort);
  });
  afterAll(async () => {
    client?.close();
    await stop(local);
    await stopFleet(endpoint);
  });

  it('calls the endpoint with the key, which shows in no command line and no log', async () => {
    if (!local || !client) throw new Error('local mode did not start');
    const answer = await client.invoke({ task: 'ask-large-model', prompt: 'Say hello.' }, { deadlineMs: 60_000 });
    expect(answer.answeredBy).toMatchObject({ specialist: LARGE, model: 'big-model' });
    expect(answer.output.length).toBeGreaterThan(0);
    // No simulator of its own: the worker calls the endpoint, the key in its environment.
    const { workerPid, enginePid } = largeReplica(local);
    expect(enginePid).toBeUndefined();
    expect(environmentOf(workerPid, 'SLM_FLEET_ENGINE_API_KEY')).toBe(key);
    expect(environmentOf(workerPid, 'TEST_LLM_KEY')).toBeUndefined();
    expect(processesOf(key)).toEqual([]);
    expect(local.output.join('\n')).not.toContain(key);
    expect(local.serving()?.['largeModels']).toEqual([
      `large-model: http://127.0.0.1:${endpoint?.port ?? 0}/v1 (model big-model)`,
    ]);
  });
});
