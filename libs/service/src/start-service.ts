import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Readiness } from './health/readiness.js';
import { createJsonLogger } from './json-logger.js';

const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export interface ServiceOptions {
  /** Service name, used in logs. */
  name: string;
  /** Root Nest module; it should import HealthModule. */
  module: Type | DynamicModule;
  /** Address for the HTTP server (probes, metrics, APIs). Loopback unless told otherwise. */
  host: string;
  /** 0 picks a free port; the bound port is logged and returned. */
  httpPort: number;
  /** Upper bound on a graceful stop before the process is ended anyway. */
  shutdownTimeoutMs?: number;
  /** Largest JSON body the HTTP server parses (Express's default is 100 KB). */
  httpBodyLimitBytes?: number;
}

export interface RunningService {
  app: INestApplication;
  logger: LoggerService;
  port: number;
  /** Drains and closes the app (runs every module's shutdown hooks). Idempotent. */
  stop: () => Promise<void>;
  /** How long `stop` may take before the process is ended anyway. */
  stopTimeoutMs: number;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const logger = createJsonLogger(options.name);
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger,
    bodyParser: options.httpBodyLimitBytes === undefined,
  });
  if (options.httpBodyLimitBytes !== undefined) app.useBodyParser('json', { limit: options.httpBodyLimitBytes });
  await app.listen(options.httpPort, options.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  logger.log({ msg: 'listening', service: options.name, host: options.host, port });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      app.get(Readiness, { strict: false }).startDraining();
      await app.close();
      logger.log({ msg: 'stopped', service: options.name });
    })();
    return stopping;
  };
  return { app, logger, port, stop, stopTimeoutMs: options.shutdownTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS };
}
