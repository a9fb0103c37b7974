import { Module, type DynamicModule } from '@nestjs/common';
import { RedisModule } from '@slm-fleet/queue';
import { HealthModule } from '@slm-fleet/service';

/** The router: takes agent calls over gRPC and queues them per specialist. */
@Module({})
export class RouterModule {
  static forRoot(options: { redisUrl: string }): DynamicModule {
    return {
      module: RouterModule,
      imports: [HealthModule, RedisModule.forRoot({ url: options.redisUrl, connectionName: 'slm-fleet-router' })],
    };
  }
}
