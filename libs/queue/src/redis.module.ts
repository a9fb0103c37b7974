import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { Readiness } from '@slm-fleet/service';
import { logRedisErrors } from './redis-errors.js';
import { parseRedisUrl } from './redis-url.js';

/** Injection token for the service's shared Redis client. */
export const REDIS = Symbol('REDIS');

/** A single Redis or a Redis Cluster: BullMQ and our own commands take either. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  url: string;
  connectionName: string;
  /** Treat the URL as one seed node of a Redis Cluster; the client discovers the rest. */
  cluster?: boolean;
  /**
   * Fail commands at once while disconnected instead of queueing them until Redis is back:
   * for producers that must answer a caller (the router says UNAVAILABLE), never for workers.
   */
  failFast?: boolean;
  /**
   * Send the commands issued in one tick in one write (ioredis auto-pipelining): for a
   * connection many calls share at once (the router's queueing, the worker's replies), where
   * a write per command was a tenth of the process's CPU. Not on a BullMQ worker's own
   * connection: one pipeline in flight at a time held streamed calls back there, so the
   * worker coalesces that connection's writes instead (coalesceWrites).
   */
  autoPipelining?: boolean;
}

/**
 * A Redis client from a URL. `maxRetriesPerRequest: null` because BullMQ workers require it
 * (commands wait for a reconnect instead of failing). Never ioredis `keyPrefix`: BullMQ has
 * its own `prefix`. Auto-pipelining only where asked (`autoPipelining`).
 */
export function connectRedis(options: RedisConnectionOptions): RedisClient {
  const url = parseRedisUrl(options.url);
  const autoPipelining = options.autoPipelining ? { enableAutoPipelining: true } : {};
  const common = {
    connectionName: options.connectionName,
    ...autoPipelining,
    ...(options.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
  if (!options.cluster) return new Redis(options.url, common);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    redisOptions: { ...common, password, username, ...(url.protocol === 'rediss:' ? { tls: {} } : {}) },
    // Slots move during failover; follow MOVED/ASK instead of failing the command.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    ...autoPipelining,
    ...(options.failFast ? { enableOfflineQueue: false } : {}),
  });
}

/** A second connection like `client` (BullMQ Workers need their own blocking connection). */
export function duplicateRedis(client: RedisClient): RedisClient {
  return client.duplicate();
}

class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
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
  static forRoot(options: RedisConnectionOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () => {
            const client = connectRedis(options);
            logRedisErrors(client, new Logger('redis'), options.connectionName);
            return client;
          },
        },
        RedisLifecycle,
      ],
      exports: [REDIS],
    };
  }
}
