// The faults, each injected into a running fleet under load. `prepare` sets the fleet up before
// the load starts, `inject` is the fault (it may take a while: a restart), `restore` puts the
// fleet back as the next scenario expects it (two workers, a router, Redis up).
import { sleep } from '../run.js';
import type { FaultFleet } from './fault-fleet.js';

export interface Scenario {
  name: string;
  fault: string;
  prepare?: (fleet: FaultFleet) => Promise<void>;
  inject: (fleet: FaultFleet) => Promise<void>;
  restore?: (fleet: FaultFleet) => Promise<void>;
}

export const BASE_WORKERS = 2;

export const SCENARIOS: readonly Scenario[] = [
  { name: 'none', fault: 'no fault (the baseline)', inject: async () => undefined },
  {
    name: 'redis-kill-1s',
    fault: 'Redis SIGKILLed, back 1 s later (same port and append-only file)',
    inject: (fleet) => fleet.redis.crashAndRestart(1_000),
  },
  {
    name: 'redis-kill-4s',
    fault: 'Redis SIGKILLed, back 4 s later',
    inject: (fleet) => fleet.redis.crashAndRestart(4_000),
  },
  {
    name: 'router-kill',
    fault: 'the only router SIGKILLed, a new one started on the same ports',
    inject: async (fleet) => {
      await fleet.killRouter();
      await fleet.startRouter();
    },
  },
  {
    name: 'worker-kill',
    fault: 'a worker SIGKILLed mid-calls, a replacement started 1 s later',
    inject: async (fleet) => {
      await fleet.killWorker();
      await sleep(1_000);
      await fleet.scaleTo(BASE_WORKERS);
    },
  },
  {
    name: 'scale-up',
    fault: '1 worker, then 3 (two start under load)',
    prepare: (fleet) => fleet.scaleTo(1),
    inject: (fleet) => fleet.scaleTo(3),
    restore: (fleet) => fleet.scaleTo(BASE_WORKERS),
  },
  {
    name: 'scale-down',
    fault: '2 workers, then 1 (one drains, SIGTERM, under load)',
    inject: (fleet) => fleet.scaleTo(1),
    restore: (fleet) => fleet.scaleTo(BASE_WORKERS),
  },
];
