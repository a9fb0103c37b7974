import { Module } from '@nestjs/common';
import { HealthModule } from '@slm-fleet/service';

/** The router: takes agent calls over gRPC and queues them per specialist. */
@Module({ imports: [HealthModule] })
export class RouterModule {}
