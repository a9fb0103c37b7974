import type { LoggerService } from '@nestjs/common';

/** While Redis stays away, the same error is logged again at most this often. */
const REPEAT_AFTER_MS = 30_000;

/** What emits Redis errors: an ioredis client, or a BullMQ Worker or Queue. */
interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Logs a client's connection errors without flooding: ioredis emits one per reconnect attempt
 * (several a second), and an unlistened 'error' event would be printed raw by ioredis.
 */
export function logRedisErrors(client: ErrorEmitter, logger: LoggerService, connection: string): void {
  let last = '';
  let loggedAt = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (error.message === last && now - loggedAt < REPEAT_AFTER_MS) return;
    last = error.message;
    loggedAt = now;
    logger.warn?.({ msg: 'redis error', connection, error: error.message });
  });
  client.on('ready', () => {
    if (last) logger.log({ msg: 'redis connected again', connection });
    last = '';
  });
}
