// What every measurement gets: the processes, a logger, the seed, the step length, the
// processes always worth metering (Redis, the load generator itself), the conditions each step
// runs under (quiet, burner) and the sources of its costs.
import { waitFor } from '../run.js';
import type { Burner, Condition } from './burner.js';
import type { RouterCaller } from './clients.js';
import type { Fleet } from './fleet.js';
import type { CostSources } from './step-costs.js';
import type { InvokeRequest } from '@slm-fleet/proto';

export interface BenchContext {
  fleet: Fleet;
  log: (message: string) => void;
  seed: number;
  durationMs: number;
  /** name -> pid of Redis and the load generator. */
  basePids: Record<string, number>;
  /** Every step runs once under each, in this order. */
  conditions: readonly Condition[];
  burner: Burner;
  costs: CostSources;
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
