import { startService, type RunningService } from '@slm-fleet/service';
import { WorkerModule } from './worker.module.js';

export interface WorkerOptions {
  host: string;
  httpPort: number;
  /** Redis holding the queues (secret by reference in a cluster: never logged). */
  redisUrl: string;
}

export function startWorker({ redisUrl, ...http }: WorkerOptions): Promise<RunningService> {
  return startService({ name: 'worker', module: WorkerModule.forRoot({ redisUrl }), ...http });
}
