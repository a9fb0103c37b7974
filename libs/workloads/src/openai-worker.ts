// engine.kind openai: the Specialist's calls are served by an external OpenAI-compatible
// endpoint, through a Deployment of slm-fleet workers (no engine container, no GPU) that pull
// its queue like any Specialist's (docs/architecture.md, decision 73). The API key reaches them
// by Secret reference only.
import type { V1Affinity, V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { Specialist } from '@slm-fleet/api';
import { callTimeoutSeconds, workerContainer, type WorkerSettings } from './worker-sidecar.js';

/** The worker's variable holding the endpoint's API key (from engine.secretRef, by reference). */
export const ENGINE_API_KEY_ENV = 'SLM_FLEET_ENGINE_API_KEY';

/** Time the worker gets to exit after its drain; no engine to stop after it. */
const WORKER_STOP_SECONDS = 10;

/**
 * The worker flags that keep the endpoint's budgets over all the Specialist's workers (BullMQ's
 * global concurrency and rate limit, a Redis token window): engine.maxConcurrency is the calls
 * at once to the endpoint, not per worker.
 */
export function openaiWorkerArgs(specialist: Specialist): string[] {
  const { maxConcurrency, limits } = specialist.spec.engine;
  return [
    '--endpoint-concurrency',
    String(maxConcurrency),
    ...(limits?.requestsPerMinute === undefined ? [] : ['--requests-per-minute', String(limits.requestsPerMinute)]),
    ...(limits?.tokensPerMinute === undefined ? [] : ['--tokens-per-minute', String(limits.tokensPerMinute)]),
  ];
}

/**
 * The worker of an openai Specialist: the sidecar's container (locked down, drains on its
 * preStop) pointed at engine.url, asking for the served name (model.uri by default), with the
 * key from engine.secretRef. Each worker may run engine.maxConcurrency calls, as the endpoint's
 * global limit is kept in Redis: one worker can use it all when the others are gone.
 */
export function openaiWorkerContainer(
  specialist: Specialist,
  settings: WorkerSettings,
  drainToken: string | undefined,
): V1Container {
  const { engine } = specialist.spec;
  if (!engine.url) throw new Error('engine.kind openai needs engine.url');
  const base = workerContainer(specialist, engine.url, settings, drainToken);
  return {
    ...base,
    args: [...(base.args ?? []), ...openaiWorkerArgs(specialist)],
    env: [
      ...(base.env ?? []),
      ...(engine.secretRef
        ? [
            {
              name: ENGINE_API_KEY_ENV,
              valueFrom: { secretKeyRef: { name: engine.secretRef.name, key: engine.secretRef.key } },
            },
          ]
        : []),
    ],
  };
}

/** The worker pod: one container, the Specialist's placement (no GPU profile), no API token. */
export function openaiWorkerPod(specialist: Specialist, settings: WorkerSettings, drainToken?: string): V1PodSpec {
  const placement = specialist.spec.placement;
  return {
    containers: [openaiWorkerContainer(specialist, settings, drainToken)],
    volumes: [{ name: 'worker-tmp', emptyDir: {} }],
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: callTimeoutSeconds(specialist.spec) + WORKER_STOP_SECONDS,
    ...(placement?.tolerations ? { tolerations: placement.tolerations } : {}),
    ...(placement?.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
    ...(placement?.affinity ? { affinity: placement.affinity as V1Affinity } : {}),
    ...(placement?.priorityClassName ? { priorityClassName: placement.priorityClassName } : {}),
  };
}
