// Shadow testing and LoRA adapters, end to end: real router, workers and Redis, Specialists and
// AgentTasks in the real API server; engine simulators stand in for the live specialist and the
// candidate (whose fault switch makes it answer off-schema).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { shadowStatsKey } from '@slm-fleet/queue';
import {
  INVOICE_SCHEMA,
  RouterClient,
  setSimFaults,
  simStats,
  simSpecialist,
  spawnFleet,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

const task = (name: string, extra = '') => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: ${name}}
spec:
  specialists: [{name: live}]
  timeoutMs: 20000
${extra}`;

describe('shadow testing', () => {
  const env = useSuiteEnv('shadow');
  const processes: FleetProcess[] = [];
  let candidate: FleetProcess;
  let router: FleetProcess;
  let client: RouterClient;
  let redis: Redis;

  const stats = (taskName: string) =>
    redis.hgetall(shadowStatsKey(env().queuePrefix, env().namespace, taskName, 'candidate'));

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('live', ['live-direct']));
    await env().apply(simSpecialist('candidate', ['candidate-direct']));
    await env().apply(task('plain'));
    await env().apply(task('shadowed', '  shadow: {specialist: candidate, sampleRate: 1}'));
    await env().apply(
      task(
        'shadowed-json',
        `  shadow: {specialist: candidate, sampleRate: 1}\n  output: {jsonSchema: ${JSON.stringify(INVOICE_SCHEMA)}}`,
      ),
    );
    const live = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    // The same model name and settings: the simulator answers the same request the same way.
    candidate = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(live, candidate);
    processes.push(await startWorker(env(), 'live', live));
    processes.push(await startWorker(env(), 'candidate', candidate));
    router = await startRouter(env());
    processes.push(router);
    client = new RouterClient(router.grpcPort);
    redis = new Redis(env().redisUrl);
  });

  afterAll(async () => {
    client?.close();
    redis?.disconnect();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('leaves the live answer unchanged and counts equal answers as agreeing', async () => {
    for (let i = 0; i < 3; i++) {
      const prompt = `Summarize item ${i}.`;
      const [shadowed, plain] = await Promise.all([
        client.invoke({ task: 'shadowed', prompt }),
        client.invoke({ task: 'plain', prompt }),
      ]);
      expect(shadowed.output).toBe(plain.output);
      expect(shadowed.answeredBy).toMatchObject({ specialist: `${env().namespace}/live`, tier: 'specialist' });
    }
    await eventually(async () => {
      expect(await stats('shadowed')).toMatchObject({ compared: '3', agreed: '3', schemaValid: '3' });
    });
    const metrics = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    expect(metrics).toMatch(/slm_fleet_router_shadow_comparisons_total\{task="shadowed",result="agree"\} 3/);
  });

  it('counts an off-schema shadow answer as disagreeing and not schema-valid; the live answer stands', async () => {
    await setSimFaults(candidate, { offSchemaRate: 1 });
    const first = await client.invoke({ task: 'shadowed-json', prompt: 'Invoice: 12 EUR' });
    const second = await client.invoke({ task: 'shadowed-json', prompt: 'Invoice: 30 USD' });
    for (const answer of [first, second]) {
      expect(answer.json).toEqual({ total: expect.any(Number), currency: expect.stringMatching(/EUR|USD/) });
    }
    await eventually(async () => {
      const counted = await stats('shadowed-json');
      expect(counted).toMatchObject({ compared: '2' });
      expect(counted['agreed'] ?? '0').toBe('0');
      expect(counted['schemaValid'] ?? '0').toBe('0');
      expect(Number(counted['since'])).toBeGreaterThan(0);
    });
  });
});

describe('LoRA adapters', () => {
  const env = useSuiteEnv('adapters');
  const processes: FleetProcess[] = [];
  let engine: FleetProcess;
  let router: FleetProcess;
  let client: RouterClient;

  const adapterTask = (name: string, adapter: string) => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: ${name}}
spec:
  specialists: [{name: base, adapter: ${adapter}}]
  timeoutMs: 20000
`;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(
      simSpecialist(
        'base',
        ['base-direct'],
        `  model:
    uri: hf://sim/model
    servedName: sim-model
    adapters:
      - {name: invoice-lora, uri: hf://sim/invoice-lora}
      - {name: ticket-lora, uri: hf://sim/ticket-lora}`,
      ).replace('  model: {uri: hf://sim/model, servedName: sim-model}\n', ''),
    );
    await env().apply(adapterTask('invoices', 'invoice-lora'));
    await env().apply(adapterTask('tickets', 'ticket-lora'));
    engine = await spawnFleet('engine-sim', [
      'engine-sim',
      '--model',
      'sim-model',
      '--adapters',
      'invoice-lora,ticket-lora',
    ]);
    processes.push(engine);
    processes.push(await startWorker(env(), 'base', engine));
    router = await startRouter(env());
    processes.push(router);
    client = new RouterClient(router.grpcPort);
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('asks the engine for each task by its adapter, through the base Specialist’s one queue', async () => {
    const invoice = await client.invoke({ task: 'invoices', prompt: 'Invoice: 12 EUR' });
    const ticket = await client.invoke({ task: 'tickets', prompt: 'My order is late' });
    const base = await client.invoke({ task: 'base-direct', prompt: 'hello' });
    expect(invoice.answeredBy).toMatchObject({ specialist: `${env().namespace}/base`, adapter: 'invoice-lora' });
    expect(invoice.answeredBy?.model).toBe('invoice-lora');
    expect(ticket.answeredBy).toMatchObject({ specialist: `${env().namespace}/base`, adapter: 'ticket-lora' });
    expect(base.answeredBy).toMatchObject({ adapter: '', model: 'sim-model' });
    expect((await simStats(engine)).models).toEqual({ 'invoice-lora': 1, 'ticket-lora': 1, 'sim-model': 1 });
    // One queue for all three: the router's demand metric counts them on the base Specialist.
    const metrics = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    expect(metrics).toContain(`slm_fleet_router_specialist_calls_queued_total{specialist="${env().namespace}/base"} 3`);
  });
});
