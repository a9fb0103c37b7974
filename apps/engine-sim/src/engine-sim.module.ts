import { Module } from '@nestjs/common';
import { HealthModule } from '@slm-fleet/service';

/** The engine-sim: an OpenAI-compatible engine simulator that stands in for GPU engines in tests. */
@Module({ imports: [HealthModule] })
export class EngineSimModule {}
