import { Module } from '@nestjs/common';
import { HealthModule } from '@slm-fleet/service';

/** The operator: reconciles Specialist and AgentTask resources into GPU workloads. */
@Module({ imports: [HealthModule] })
export class OperatorModule {}
