import { ConsoleLogger, type LoggerService } from '@nestjs/common';

/**
 * Structured JSON logs, one object a line on stdout, from Nest's own ConsoleLogger so every
 * Nest internal message is structured too. The service name goes in the `context` prefix.
 */
export function createJsonLogger(service: string): LoggerService {
  return new ConsoleLogger(service, { json: true, colors: false, timestamp: false });
}
