import { describe, expect, it } from 'vitest';
import type { Specialist } from '@slm-fleet/api';
import type { QueueReader, RouterScraper } from '@slm-fleet/load-signals';
import { LocalAutoscaler } from './local-autoscaler.js';
import type { LocalFleet } from './local-fleet.js';

const specialist = (name: string, engine: Record<string, unknown>, scaling: Record<string, unknown>): Specialist =>
  ({
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'Specialist',
    metadata: { name, namespace: 'local' },
    spec: {
      model: { uri: 'hf://x/y' },
      engine: { maxConcurrency: 4, ...engine },
      tasks: [name],
      scaling: { mode: 'managed', targetQueuePerReplica: 1, scaleDownDelaySeconds: 30, ...scaling },
    },
  }) as unknown as Specialist;

describe('LocalAutoscaler', () => {
  it('sizes the specialists by their load, and keeps the large model at its fixed count', async () => {
    const asked = new Map<string, number>();
    const fleet = {
      setReplicas: (key: string, count: number) => asked.set(key, count),
      countsOf: (key: string) => ({ asked: asked.get(key) ?? 0, ready: asked.get(key) ?? 0 }),
    } as unknown as LocalFleet;
    // A deep backlog on both queues: only the specialist's calls for more replicas.
    const queues = {
      read: () => Promise.resolve({ waiting: 40, active: 4, oldestWaitingSeconds: 5 }),
      close: () => Promise.resolve(),
    } as unknown as QueueReader;
    const router = {
      scrape: () => Promise.resolve({ bySpecialist: new Map(), measured: false }),
    } as unknown as RouterScraper;
    const logger = { log: () => undefined, warn: () => undefined, error: () => undefined };
    const autoscaler = new LocalAutoscaler({
      specialists: [
        specialist('small', { kind: 'vllm' }, { minReplicas: 0, maxReplicas: 4 }),
        specialist('large-model', { kind: 'openai', url: 'https://x/v1' }, { minReplicas: 1, maxReplicas: 3 }),
      ],
      agentTasks: [],
      fleet,
      queues,
      router,
      intervalMs: 60_000,
      logger,
    });
    autoscaler.start();
    expect(Object.fromEntries(asked)).toEqual({ 'local/small': 0, 'local/large-model': 1 });
    await autoscaler.tick();
    await autoscaler.stop();
    expect(asked.get('local/small')).toBeGreaterThan(0);
    expect(asked.get('local/large-model')).toBe(1);
    // Its queue is still read, for the live view.
    expect(autoscaler.waitingOf('local/large-model')).toBe(40);
  });
});
