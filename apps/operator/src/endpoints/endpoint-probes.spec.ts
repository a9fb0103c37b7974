import { describe, expect, it } from 'vitest';
import type { Specialist } from '@slm-fleet/api';
import type { EndpointHealth } from '@slm-fleet/workloads';
import { EndpointProbes } from './endpoint-probes.js';

const specialist = (generation: number): Specialist => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'Specialist',
  metadata: { name: 'large', namespace: 'team-a', generation },
  spec: {
    model: { uri: 'big' },
    engine: { kind: 'openai', url: 'http://127.0.0.1:1/v1', maxConcurrency: 4 },
    tasks: ['t'],
    scaling: { mode: 'managed', minReplicas: 1, maxReplicas: 1, targetQueuePerReplica: 4, scaleDownDelaySeconds: 300 },
  },
});

const ok: EndpointHealth = { ready: true, reason: 'EndpointReady', message: 'serves big' };
const down: EndpointHealth = { ready: false, reason: 'EndpointUnreachable', message: 'refused' };

function setup(answers: EndpointHealth[]) {
  let now = 0;
  const checks: number[] = [];
  const changed: string[] = [];
  const probes = new EndpointProbes({
    check: async (s) => {
      checks.push(s.metadata.generation ?? 0);
      return answers.shift() ?? ok;
    },
    onChange: (key) => changed.push(key),
    maxAgeMs: 25_000,
    now: () => now,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { probes, checks, changed, settle, advance: (ms: number) => (now += ms) };
}

describe('EndpointProbes', () => {
  it('probes once per generation; a new spec is probed at once', async () => {
    const { probes, checks } = setup([ok, down]);
    expect(await probes.healthOf(specialist(1))).toEqual(ok);
    expect(await probes.healthOf(specialist(1))).toEqual(ok);
    expect(await probes.healthOf(specialist(2))).toEqual(down);
    expect(checks).toEqual([1, 2]);
  });

  it('shares a probe under way between callers', async () => {
    const { probes, checks } = setup([ok]);
    await Promise.all([probes.healthOf(specialist(1)), probes.healthOf(specialist(1))]);
    expect(checks).toEqual([1]);
  });

  it('refreshes in the background only what is older than maxAge, and reports a change', async () => {
    const { probes, checks, changed, settle, advance } = setup([ok, ok, down]);
    await probes.healthOf(specialist(1));
    probes.refresh([specialist(1)]);
    expect(checks).toEqual([1]); // fresh: not probed again
    advance(30_000);
    probes.refresh([specialist(1)]);
    await settle();
    expect(changed).toEqual([]); // same answer: nothing to reconcile
    advance(30_000);
    probes.refresh([specialist(1)]);
    await settle();
    expect(changed).toEqual(['team-a/large']);
    expect(await probes.healthOf(specialist(1))).toEqual(down);
  });

  it('forgets Specialists no longer listed', async () => {
    const { probes, checks } = setup([ok, ok]);
    await probes.healthOf(specialist(1));
    probes.forgetAllBut(new Set());
    await probes.healthOf(specialist(1));
    expect(checks).toEqual([1, 1]);
  });
});
