import type { RunningService } from '@slm-fleet/service';

export interface ServeOptions {
  host: string;
  httpPort: number;
  redisUrl: string;
  kubeconfig?: string;
  /** The operator configuration file. */
  config?: string;
}

/** Which connection flags a subcommand takes beyond --host and --http-port. */
export type Needs = 'redis' | 'kube';

export interface ServiceCommand {
  name: string;
  description: string;
  defaultHttpPort: number;
  needs: Needs[];
  /** Loaded lazily, so one subcommand does not load the others' code. */
  start: (options: ServeOptions) => Promise<RunningService>;
}

export const serviceCommands: ServiceCommand[] = [
  {
    name: 'operator',
    description: 'reconcile Specialist and AgentTask resources into GPU workloads',
    defaultHttpPort: 8081,
    needs: ['kube'],
    start: async (o) => (await import('@slm-fleet/operator')).startOperator(o),
  },
  {
    name: 'router',
    description: 'serve agent calls over gRPC and queue them per specialist',
    defaultHttpPort: 8080,
    needs: ['redis'],
    start: async (o) => (await import('@slm-fleet/router')).startRouter(o),
  },
  {
    name: 'worker',
    description: "pull one specialist's jobs and call its engine (runs beside the engine)",
    defaultHttpPort: 8082,
    needs: ['redis'],
    start: async (o) => (await import('@slm-fleet/worker')).startWorker(o),
  },
  {
    name: 'engine-sim',
    description: 'run the engine simulator: an OpenAI-compatible stand-in for a GPU engine',
    defaultHttpPort: 8000,
    needs: [],
    start: async (o) => (await import('@slm-fleet/engine-sim')).startEngineSim(o),
  },
];
