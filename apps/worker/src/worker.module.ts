import { Module } from '@nestjs/common';
import { HealthModule } from '@slm-fleet/service';

/** The worker: the specialist sidecar: pulls jobs from its queue and calls the engine. */
@Module({ imports: [HealthModule] })
export class WorkerModule {}
