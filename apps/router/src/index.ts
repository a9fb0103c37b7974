import { startService, type RunningService } from '@slm-fleet/service';
import { RouterModule } from './router.module.js';

export interface RouterOptions {
  host: string;
  httpPort: number;
}

export function startRouter(options: RouterOptions): Promise<RunningService> {
  return startService({ name: 'router', module: RouterModule, ...options });
}
