import { Option } from 'commander';
import type { EngineSimOptions } from '@slm-fleet/engine-sim';
import type { OperatorOptions } from '@slm-fleet/operator';
import type { RouterOptions } from '@slm-fleet/router';
import type { RunningService } from '@slm-fleet/service';
import type { WorkerOptions } from '@slm-fleet/worker';
import { SIMULATOR_DEFAULTS, profileLatency } from '@slm-fleet/simulator';
import { engineSimOptions, queueOptions, routerOptions, workerOptions } from './service-options.js';

/**
 * Every flag a subcommand may have, as commander names them (see service-options.ts): the
 * union of what the services take. `model` is optional because only engine-sim defaults it.
 */
export type ServeOptions = Omit<OperatorOptions, 'httpPort' | 'host'> &
  RouterOptions &
  WorkerOptions &
  Omit<EngineSimOptions, 'model' | 'ttft' | 'tpot'> & { model?: string; ttft?: number; tpot?: number };

/** Which connection flags a subcommand takes beyond --host and --http-port. */
export type Needs = 'redis' | 'kube';

export interface ServiceCommand {
  name: string;
  description: string;
  defaultHttpPort: number;
  needs: Needs[];
  /** Flags of this subcommand beyond --host, --http-port and the connection flags. */
  options: () => Option[];
  /** Loaded lazily, so one subcommand does not load the others' code. */
  start: (options: ServeOptions) => Promise<RunningService>;
}

export const serviceCommands: ServiceCommand[] = [
  {
    name: 'operator',
    description: 'reconcile Specialist and AgentTask resources into GPU workloads',
    defaultHttpPort: 8081,
    // Redis: the autoscaler reads each Specialist's queue there.
    needs: ['redis', 'kube'],
    options: () => [
      new Option(
        '--config <path>',
        'operator configuration: GPU profiles, worker image, namespaces, leader election, autoscaler',
      ).env('SLM_FLEET_OPERATOR_CONFIG'),
      ...queueOptions(),
    ],
    start: async (o) => (await import('@slm-fleet/operator')).startOperator(o),
  },
  {
    name: 'router',
    description: 'serve agent calls over gRPC and queue them per specialist',
    defaultHttpPort: 8080,
    needs: ['redis', 'kube'],
    options: () => [...queueOptions(), ...routerOptions()],
    start: async (o) => (await import('@slm-fleet/router')).startRouter(o),
  },
  {
    name: 'worker',
    description: "pull one specialist's jobs and call its engine (runs beside the engine)",
    defaultHttpPort: 8082,
    needs: ['redis'],
    options: () => [...queueOptions(), ...workerOptions()],
    // The engine's API key comes from the environment only, never a flag: a flag shows in `ps`.
    start: async (o) =>
      (await import('@slm-fleet/worker')).startWorker({ ...o, engineApiKey: process.env.SLM_FLEET_ENGINE_API_KEY }),
  },
  {
    name: 'engine-sim',
    description: 'run the engine simulator: an OpenAI-compatible stand-in for a GPU engine',
    defaultHttpPort: 8000,
    needs: [],
    options: engineSimOptions,
    start: async (o) => {
      // The profile's latency, unless --ttft or --tpot say otherwise.
      const latency = profileLatency(o.profile ?? 'default');
      return (await import('@slm-fleet/engine-sim')).startEngineSim({
        ...o,
        model: o.model ?? SIMULATOR_DEFAULTS.model,
        ttft: o.ttft ?? latency.ttft,
        tpot: o.tpot ?? latency.tpot,
      });
    },
  },
];
