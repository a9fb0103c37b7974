import type { LoggerService } from '@nestjs/common';

export interface Stoppable {
  stop: () => Promise<void>;
  /** The longest this service's graceful stop may take (a worker's drain, say). */
  stopTimeoutMs?: number;
}

/**
 * Stops the given services on SIGTERM or SIGINT, then exits 0; exits 1 if the graceful stop
 * takes longer than `timeoutMs` or the longest `stopTimeoutMs` of the services. We handle the signals here rather than with Nest's
 * enableShutdownHooks(), which re-raises the signal after closing and so never exits 0.
 */
export function runUntilSignal(services: Stoppable[], logger: LoggerService, timeoutMs = 10_000): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) return;
    received = true;
    logger.log({ msg: 'shutting down', signal });
    const limitMs = Math.max(timeoutMs, ...services.map((s) => s.stopTimeoutMs ?? 0));
    const force = setTimeout(() => {
      logger.error({ msg: 'graceful stop timed out; exiting', timeoutMs: limitMs });
      process.exit(1);
    }, limitMs);
    force.unref();
    // Stop in reverse start order: consumers before the things they consume.
    void [...services]
      .reverse()
      .reduce((previous, service) => previous.then(() => service.stop()), Promise.resolve())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ msg: 'error while stopping', error: String(error) });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
