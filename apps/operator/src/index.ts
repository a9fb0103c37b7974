import { loadKubeConfig } from '@slm-fleet/k8s';
import { startService, type RunningService } from '@slm-fleet/service';
import { OperatorModule } from './operator.module.js';

export interface OperatorOptions {
  host: string;
  httpPort: number;
  /** A kubeconfig file; without it $KUBECONFIG, ~/.kube/config or the in-cluster account. */
  kubeconfig?: string;
}

export function startOperator({ kubeconfig, ...http }: OperatorOptions): Promise<RunningService> {
  const kubeConfig = loadKubeConfig(kubeconfig);
  return startService({ name: 'operator', module: OperatorModule.forRoot({ kubeConfig }), ...http });
}
