import { setTimeout as sleep } from 'node:timers/promises';
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
