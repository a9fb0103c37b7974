import { startService, type RunningService } from '@slm-fleet/service';
import { WorkerModule } from './worker.module.js';

export interface WorkerOptions {
  host: string;
  httpPort: number;
}

export function startWorker(options: WorkerOptions): Promise<RunningService> {
  return startService({ name: 'worker', module: WorkerModule, ...options });
}
