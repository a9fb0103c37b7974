import { startService, type RunningService } from '@slm-fleet/service';
import { OperatorModule } from './operator.module.js';

export interface OperatorOptions {
  host: string;
  httpPort: number;
}

export function startOperator(options: OperatorOptions): Promise<RunningService> {
  return startService({ name: 'operator', module: OperatorModule, ...options });
}
