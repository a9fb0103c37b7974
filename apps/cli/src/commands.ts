import { Option } from 'commander';
import type { RunningService } from '@slm-fleet/service';
import { engineSimOptions, queueOptions, routerOptions, workerOptions } from './service-options.js';

/** Every flag a subcommand may have, as commander names them (see service-options.ts). */
export interface ServeOptions {
  host: string;
  httpPort: number;
  redisUrl: string;
  redisCluster?: boolean;
  queuePrefix: string;
  kubeconfig?: string;
  /** The operator configuration file. */
  config?: string;
  // router
  grpcPort: number;
  namespace: string;
  maxRequestBytes: number;
  // worker
  specialist: string;
  queue?: string;
  concurrency: number;
  engineUrl: string;
  model?: string;
  replica?: string;
  drainTimeout: number;
  // engine-sim
  ttft: number;
  tpot: number;
  maxBatch: number;
  batchSlowdown: number;
  outputTokens: number;
  errorRate: number;
  hangRate: number;
  slowStart: number;
  seed: number;
}

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
    needs: ['kube'],
    options: () => [
      new Option(
        '--config <path>',
        'operator configuration: GPU profiles, worker image, namespaces, leader election',
      ).env('SLM_FLEET_OPERATOR_CONFIG'),
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
    start: async (o) => (await import('@slm-fleet/worker')).startWorker(o),
  },
  {
    name: 'engine-sim',
    description: 'run the engine simulator: an OpenAI-compatible stand-in for a GPU engine',
    defaultHttpPort: 8000,
    needs: [],
    options: engineSimOptions,
    start: async (o) => (await import('@slm-fleet/engine-sim')).startEngineSim({ ...o, model: o.model ?? 'sim-model' }),
  },
];
