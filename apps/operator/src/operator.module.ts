import { Module, type DynamicModule } from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeModule } from '@slm-fleet/k8s';
import { HealthModule } from '@slm-fleet/service';

/** The operator: reconciles Specialist and AgentTask resources into GPU workloads. */
@Module({})
export class OperatorModule {
  static forRoot(options: { kubeConfig: KubeConfig }): DynamicModule {
    return { module: OperatorModule, imports: [HealthModule, KubeModule.forRoot(options.kubeConfig)] };
  }
}
