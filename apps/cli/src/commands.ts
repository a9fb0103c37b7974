import type { RunningService } from '@slm-fleet/service';

export interface ServeOptions {
  host: string;
  httpPort: number;
}

export interface ServiceCommand {
  name: string;
  description: string;
  defaultHttpPort: number;
  /** Loaded lazily, so one subcommand does not load the others' code. */
  start: (options: ServeOptions) => Promise<RunningService>;
}

export const serviceCommands: ServiceCommand[] = [
  {
    name: 'operator',
    description: 'reconcile Specialist and AgentTask resources into GPU workloads ($KUBECONFIG)',
    defaultHttpPort: 8081,
    start: async (o) => (await import('@slm-fleet/operator')).startOperator(o),
  },
  {
    name: 'router',
    description: 'serve agent calls over gRPC and queue them per specialist',
    defaultHttpPort: 8080,
    start: async (o) => (await import('@slm-fleet/router')).startRouter(o),
  },
  {
    name: 'worker',
    description: "pull one specialist's jobs and call its engine (runs beside the engine)",
    defaultHttpPort: 8082,
    start: async (o) => (await import('@slm-fleet/worker')).startWorker(o),
  },
  {
    name: 'engine-sim',
    description: 'run the engine simulator: an OpenAI-compatible stand-in for a GPU engine',
    defaultHttpPort: 8000,
    start: async (o) => (await import('@slm-fleet/engine-sim')).startEngineSim(o),
  },
];
