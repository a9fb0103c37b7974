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

/**
 * Whether a failed command failed because Redis could not be reached (so the same command may
 * succeed once it is back), as opposed to Redis refusing it (out of memory, a script error).
 * `status` is the client's: anything but `ready` means it is (re)connecting.
 */
export function isRedisUnreachable(error: unknown, status: string): boolean {
  if (status !== 'ready') return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return UNREACHABLE.test(error.message);
}

/** ioredis's messages for a lost or refused connection, the socket's codes, and a restart still loading its data. */
const UNREACHABLE =
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|^LOADING|CLUSTERDOWN|TRYAGAIN/;
