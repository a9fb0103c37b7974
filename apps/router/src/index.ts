import { startService, type RunningService } from '@slm-fleet/service';
import { RouterModule } from './router.module.js';

export interface RouterOptions {
  host: string;
  httpPort: number;
  /** Redis holding the queues (secret by reference in a cluster: never logged). */
  redisUrl: string;
}

export function startRouter({ redisUrl, ...http }: RouterOptions): Promise<RunningService> {
  return startService({ name: 'router', module: RouterModule.forRoot({ redisUrl }), ...http });
}
