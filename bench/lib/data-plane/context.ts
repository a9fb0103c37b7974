// What every measurement gets: the processes, a logger, the seed, the step length, and the
// processes always worth metering (Redis, the load generator itself).
import { waitFor } from '../run.js';
import type { RouterCaller } from './clients.js';
import type { Fleet } from './fleet.js';
import type { InvokeRequest } from '@slm-fleet/proto';

export interface BenchContext {
  fleet: Fleet;
  log: (message: string) => void;
  seed: number;
  durationMs: number;
  /** name -> pid of Redis and the load generator. */
  basePids: Record<string, number>;
}

/** Until the router has read the task's Specialist from the API server and a call comes back. */
export async function waitForRoute(router: RouterCaller, request: InvokeRequest): Promise<void> {
  let last = '';
  await waitFor(
    `the router to answer ${request.task}`,
    60_000,
    () =>
      router.invoke(request, 5_000).then(
        () => true,
        (error: unknown) => void (last = (error as Error).message),
      ),
    500,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; last error: ${last}`);
  });
}
