import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Readiness } from '@slm-fleet/service';
import { parseRedisUrl } from './redis-url.js';

/** Injection token for the service's shared Redis client. */
export const REDIS = Symbol('REDIS');

/**
 * One Redis client per service, from a URL. `maxRetriesPerRequest: null` because BullMQ
 * workers require it (commands wait for a reconnect instead of failing). Never ioredis
 * `keyPrefix`: BullMQ has its own `prefix`.
 */
export function connectRedis(url: string, connectionName: string): Redis {
  parseRedisUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null, connectionName, lazyConnect: false });
}

class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    // Ready means connected now; a ping could wait forever for a reconnect.
    this.readiness.register({
      name: 'redis',
      check: async () => {
        if (this.redis.status !== 'ready') throw new Error(`redis ${this.redis.status}`);
      },
    });
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

@Module({})
export class RedisModule {
  static forRoot(options: { url: string; connectionName: string }): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS, useFactory: () => connectRedis(options.url, options.connectionName) },
        RedisLifecycle,
      ],
      exports: [REDIS],
    };
  }
}
