import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelsProbe } from '@slm-fleet/engines';
import { ENGINE_PROBE_BACKOFF, backoffMs } from './call-policy.js';

/**
 * Polls `isReady` with backoff until it answers true (resolves true) or `signal` fires
 * (resolves false): a worker takes no call before its engine has loaded the model.
 */
export async function waitForEngine(isReady: () => Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  for (let probes = 1; !signal.aborted; probes++) {
    if (await isReady()) return true;
    await sleep(backoffMs(probes, ENGINE_PROBE_BACKOFF), undefined, { signal }).catch(() => undefined);
  }
  return false;
}

/**
 * Whether a worker takes calls after this probe of GET /models: when the engine serves, and
 * also when it answers but refuses the key. Then each call fails at once with the endpoint's
 * own 401, which says what is wrong, instead of waiting on the queue until its deadline.
 */
export function takesCalls(probe: ModelsProbe): boolean {
  return probe === 'ready' || probe === 'unauthorized';
}

/** What the readiness check `engine` reports for a probe; undefined when the engine serves. */
export function engineProblem(probe: ModelsProbe): string | undefined {
  switch (probe) {
    case 'ready':
      return undefined;
    case 'unauthorized':
      return 'the engine refuses the API key (GET /models answered 401 or 403): check SLM_FLEET_ENGINE_API_KEY';
    case 'loading':
      return 'engine not serving GET /models yet';
    case 'unreachable':
      return 'engine not answering GET /models';
  }
}
