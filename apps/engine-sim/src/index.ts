import { startService, type RunningService } from '@slm-fleet/service';
import { EngineSimModule } from './engine-sim.module.js';

export interface EngineSimOptions {
  host: string;
  httpPort: number;
}

export function startEngineSim(options: EngineSimOptions): Promise<RunningService> {
  return startService({ name: 'engine-sim', module: EngineSimModule, ...options });
}
