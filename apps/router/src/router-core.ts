import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { SchemaValidators, type CallFailure } from '@slm-fleet/calls';
import { addStandardServices, setServing, type HealthImplementation } from '@slm-fleet/proto';
import { connectRedis, logRedisErrors, replyListKey, type RedisClient } from '@slm-fleet/queue';
import type { TaskRoute } from '@slm-fleet/routing';
import type { Registry } from 'prom-client';
import { CallDispatcher } from './dispatch/call-dispatcher.js';
import { QueueRegistry } from './dispatch/queue-registry.js';
import { ReplyListener } from './dispatch/reply-listener.js';
import { agentRouterServer, measuredAgentRouterService } from './grpc/agent-router.service.js';
import type { RouterOptions } from './router-options.js';
import { RouterMetrics } from './router-metrics.js';
import type { RoutingSource } from './routing/routing-source.js';
import { RoutingTableSource } from './routing/routing-table.source.js';
import { failureForCaller } from './unexpected-errors.js';

export const ROUTER_CORE = Symbol('ROUTER_CORE');

/** The options with the kubeconfig loaded (or a routing source given); the HTTP port is startService's. */
export interface RouterSettings extends Omit<RouterOptions, 'httpPort' | 'kubeconfig' | 'routing'> {
  kubeConfig?: KubeConfig;
  routing?: RoutingSource;
}

/** How long a stopping router lets calls in flight finish before closing anyway. */
export const ROUTER_DRAIN_TIMEOUT_MS = 30_000;

/**
 * Everything the router runs, wired once: Redis (a fail-fast connection for enqueueing, a
 * blocking one for replies), the routing table's informers, the dispatcher, the gRPC server.
 * Both front doors (gRPC here, HTTP in OpenAiController) share it.
 */
export class RouterCore {
  readonly routerId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly validators = new SchemaValidators();
  readonly metrics: RouterMetrics;
  readonly dispatcher: CallDispatcher;
  readonly maxRequestBytes: number;
  readonly redis: RedisClient;
  private readonly replyConnection: RedisClient;
  private readonly queues: QueueRegistry;
  private readonly routing: RoutingSource;
  private readonly replies: ReplyListener;
  private readonly server = new Server({
    // Our own size check answers with a clearer message; grpc-js's limit stops abuse beyond it.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    // Clients re-resolve and spread over new router pods (headless Service + round_robin).
    'grpc.max_connection_age_ms': 5 * 60_000,
    'grpc.max_connection_age_grace_ms': 60_000,
  });
  private health: HealthImplementation | undefined;
  grpcPort = 0;

  constructor(
    private readonly settings: RouterSettings,
    registry: Registry,
    private readonly logger: LoggerService,
  ) {
    this.maxRequestBytes = settings.maxRequestBytes;
    const redisOptions = { url: settings.redisUrl, cluster: settings.redisCluster ?? false };
    this.redis = connectRedis({
      ...redisOptions,
      connectionName: 'slm-fleet-router',
      failFast: true,
      autoPipelining: true,
    });
    this.replyConnection = connectRedis({ ...redisOptions, connectionName: 'slm-fleet-router-replies' });
    logRedisErrors(this.redis, logger, 'router');
    logRedisErrors(this.replyConnection, logger, 'router-replies');
    this.queues = new QueueRegistry(this.redis, settings.queuePrefix);
    this.metrics = new RouterMetrics(registry, this.queues);
    this.routing = settings.routing ?? clusterRouting(settings, logger);
    const replyTo = replyListKey(settings.queuePrefix, this.routerId);
    this.dispatcher = new CallDispatcher({
      redis: this.redis,
      queues: this.queues,
      validators: this.validators,
      routingTable: () => this.routing.current(),
      routingSynced: () => this.routing.hasSynced(),
      namespace: settings.namespace,
      replyTo,
      queuePrefix: settings.queuePrefix,
      logger,
      observer: this.metrics,
    });
    this.replies = new ReplyListener(
      this.replyConnection,
      replyTo,
      (reply) => this.dispatcher.onReply(reply),
      logger,
      () => this.dispatcher.recheckAll(),
    );
    // After a reconnect, replies pushed while Redis was away may be gone: check the jobs.
    this.redis.on('ready', () => this.dispatcher.recheckAll());
  }

  routingTable(): ReadonlyMap<string, TaskRoute> {
    return this.routing.current();
  }

  /** The failure a caller gets for an error; unexpected ones are logged under an id. */
  failureOf(error: unknown, task: string): CallFailure {
    return failureForCaller(error, task, this.logger);
  }

  routingSynced(): boolean {
    return this.routing.hasSynced();
  }

  async start(): Promise<void> {
    // Serve at once (probes, health): until the informers have listed, calls get UNAVAILABLE.
    this.routing.start();
    this.replies.start();
    this.dispatcher.start();
    this.server.addService(measuredAgentRouterService, agentRouterServer(this));
    this.health = addStandardServices(this.server).health;
    this.grpcPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(
        `${this.settings.host}:${this.settings.grpcPort}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      );
    });
    this.logger.log({ msg: 'grpc listening', host: this.settings.host, port: this.grpcPort, routerId: this.routerId });
  }

  /** Drains: health NOT_SERVING, no new calls, those in flight finish (bounded), then close. */
  async stop(): Promise<void> {
    if (this.health) setServing(this.health, false);
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, ROUTER_DRAIN_TIMEOUT_MS);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    this.dispatcher.stop();
    await this.replies.stop();
    await this.routing.stop();
    await this.queues.close();
    this.redis.disconnect();
  }
}

export type { Server };

function clusterRouting(settings: RouterSettings, logger: LoggerService): RoutingSource {
  if (!settings.kubeConfig) throw new Error('the router needs a kubeconfig or a routing source');
  return new RoutingTableSource(settings.kubeConfig, settings.namespace, logger);
}
