// What the client does when routers come and go, against real processes: a router that
// starts after its client, a router killed mid-call (the retry on the other router joins the
// same job through the idempotency key, so the engine runs once), and calls balanced round
// robin over two routers. A fixed address list (`ipv4:a,b`) stands in for the headless
// Service's DNS name, which on loopback cannot give two routers on different ports.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlmFleetClient, type InvokeStreamChunk, type RetryEvent } from '@slm-fleet/client';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';
import { freePort } from '@slm-fleet/service';
import { engineRequests, routerMetric } from './fleet-helpers.js';

describe('the client when routers come and go', () => {
  const env = useSuiteEnv('client-resilience');
  const longLived: FleetProcess[] = [];
  const perTest: FleetProcess[] = [];
  const clients: SlmFleetClient[] = [];
  let quickEngine: FleetProcess;
  let slowEngine: FleetProcess;
  const retries: RetryEvent[] = [];

  /** Patient enough to outlast a router's start-up, as a real service would be configured. */
  const clientOf = (target: string) => {
    const client = new SlmFleetClient({
      target,
      defaultTimeoutMs: 60_000,
      retry: { maxAttempts: 100, initialBackoffMs: 100, maxBackoffMs: 1_000, onRetry: (e) => retries.push(e) },
    });
    clients.push(client);
    return client;
  };
  const routerList = (...routers: FleetProcess[]) => `ipv4:${routers.map((r) => `127.0.0.1:${r.grpcPort}`).join(',')}`;
  const inFlight = (router: FleetProcess) => routerMetric(router, 'slm_fleet_router_calls_in_flight');
  /** Resolves with the router of `routers` that holds a call (there must be exactly one). */
  const routerHoldingACall = (routers: FleetProcess[]) =>
    eventually(async () => {
      const holding = [];
      for (const router of routers) if ((await inFlight(router)) > 0) holding.push(router);
      expect(holding).toHaveLength(1);
      return holding[0]!;
    });

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('quick', ['quick-task']));
    // Its first token takes 3 s, so a call is still running when its router is killed.
    await env().apply(simSpecialist('slow', ['slow-task']));
    quickEngine = await startSimulator({ tpot: '1ms', outputTokens: 6 });
    slowEngine = await startSimulator({ ttft: '3s', tpot: '1ms', outputTokens: 6 });
    longLived.push(quickEngine, slowEngine);
    longLived.push(await startWorker(env(), 'quick', quickEngine), await startWorker(env(), 'slow', slowEngine));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const p of perTest.splice(0)) await stopFleet(p, 'SIGKILL');
    retries.length = 0;
  });

  afterAll(async () => {
    for (const p of longLived.reverse()) await stopFleet(p);
  });

  it('retries until a router that starts after the call answers it', async () => {
    const port = await freePort();
    const client = clientOf(`127.0.0.1:${port}`);
    const before = await engineRequests(quickEngine);
    const call = client.invoke('quick-task', { prompt: 'are you there?' });
    await eventually(async () => expect(retries.length).toBeGreaterThan(0));
    perTest.push(await startRouter(env(), ['--grpc-port', String(port)]));
    const result = await call;
    expect(result.output).not.toBe('');
    expect(retries.every((r) => r.error.code === 'UNAVAILABLE')).toBe(true);
    expect(await engineRequests(quickEngine)).toBe(before + 1);
  });

  it('completes a call whose router is killed mid-call on the other router, running the engine once', async () => {
    const routers = [await startRouter(env()), await startRouter(env())];
    perTest.push(...routers);
    const client = clientOf(routerList(...routers));
    const before = await engineRequests(slowEngine);
    const call = client.invoke('slow-task', { prompt: 'take your time' });
    const holder = await routerHoldingACall(routers);
    await stopFleet(holder, 'SIGKILL');
    const result = await call;
    expect(result.output).not.toBe('');
    expect(retries.map((r) => r.error.code)).toContain('UNAVAILABLE');
    expect(await engineRequests(slowEngine)).toBe(before + 1);
  });

  it('with its default retry policy, rides through the only router being killed and restarted on the same port', async () => {
    const port = await freePort();
    const router = await startRouter(env(), ['--grpc-port', String(port)]);
    perTest.push(router);
    // No retry settings: the defaults retry until the deadline, at most 1 s apart.
    const client = new SlmFleetClient({ target: `127.0.0.1:${port}`, defaultTimeoutMs: 30_000 });
    clients.push(client);
    const before = await engineRequests(slowEngine);
    const call = client.invoke('slow-task', { prompt: 'survive the restart' });
    await routerHoldingACall([router]);
    await stopFleet(router, 'SIGKILL');
    perTest.push(await startRouter(env(), ['--grpc-port', String(port)]));
    const result = await call;
    expect(result.output).not.toBe('');
    // The retry found the first attempt's job under the call's idempotency key.
    expect(await engineRequests(slowEngine)).toBe(before + 1);
  });

  it('retries a stream whose router dies before the first chunk, and the deltas still add up to the answer', async () => {
    const routers = [await startRouter(env()), await startRouter(env())];
    perTest.push(...routers);
    const client = clientOf(routerList(...routers));
    const before = await engineRequests(slowEngine);
    const chunks: InvokeStreamChunk[] = [];
    const reading = (async () => {
      for await (const chunk of client.invokeStream('slow-task', { prompt: 'stream it' })) chunks.push(chunk);
    })();
    await stopFleet(await routerHoldingACall(routers), 'SIGKILL');
    await reading;
    const last = chunks.at(-1);
    expect(last?.type).toBe('done');
    const text = chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');
    expect(text).toBe(last?.type === 'done' ? last.result.output : undefined);
    expect(retries.length).toBeGreaterThan(0);
    expect(await engineRequests(slowEngine)).toBe(before + 1);
  });

  it('spreads calls over every router round robin', async () => {
    const routers = [await startRouter(env()), await startRouter(env())];
    perTest.push(...routers);
    const client = clientOf(routerList(...routers));
    // One call first, so both connections are up before the rest are counted.
    await client.invoke('quick-task', { prompt: 'warm up' });
    await eventually(async () => {
      await client.invoke('quick-task', { prompt: 'warm up' });
      for (const router of routers)
        expect(await routerMetric(router, 'slm_fleet_router_calls_total')).toBeGreaterThan(0);
    });
    const served = async () => Promise.all(routers.map((r) => routerMetric(r, 'slm_fleet_router_calls_total')));
    const before = await served();
    for (let i = 0; i < 10; i++) await client.invoke('quick-task', { prompt: `call ${i}` });
    const after = await served();
    // Round robin takes turns: ten calls in a row split five and five.
    expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([5, 5]);
  });
});
