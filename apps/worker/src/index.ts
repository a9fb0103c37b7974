import { startService, type RunningService } from '@slm-fleet/service';
import { resolveWorkerSettings, type WorkerOptions } from './settings.js';
import { WorkerModule } from './worker.module.js';

export type { WorkerOptions } from './settings.js';

/** `slm-fleet worker`: one specialist's queue consumer, beside its engine. */
export function startWorker(options: WorkerOptions): Promise<RunningService> {
  const settings = resolveWorkerSettings(options);
  return startService({
    name: 'worker',
    module: WorkerModule.forRoot(settings),
    host: options.host,
    httpPort: options.httpPort,
    // Draining may take the whole drain timeout; handing back and closing take a little more.
    shutdownTimeoutMs: options.drainTimeout + 10_000,
  });
}
