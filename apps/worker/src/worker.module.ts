import { Module, type DynamicModule } from '@nestjs/common';
import { RedisModule } from '@slm-fleet/queue';
import { HealthModule } from '@slm-fleet/service';

/** The worker: the specialist sidecar: pulls jobs from its queue and calls the engine. */
@Module({})
export class WorkerModule {
  static forRoot(options: { redisUrl: string }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [HealthModule, RedisModule.forRoot({ url: options.redisUrl, connectionName: 'slm-fleet-worker' })],
    };
  }
}
