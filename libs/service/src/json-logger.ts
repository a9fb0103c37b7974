import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Structured JSON logs, one object a line on stdout, from Nest's own ConsoleLogger so every
 * Nest internal message is structured too. The service name goes in the `context` prefix.
 * SLM_FLEET_LOG_LEVEL (log, warn, error) drops what is below it: local mode's live view
 * keeps the terminal to warnings.
 */
export function createJsonLogger(service: string): LoggerService {
  return new ConsoleLogger(service, { json: true, colors: false, timestamp: false, logLevels: logLevels() });
}

function logLevels(): LogLevel[] {
  const wanted = process.env['SLM_FLEET_LOG_LEVEL'] as LogLevel | undefined;
  const from = wanted && LEVELS.includes(wanted) ? LEVELS.indexOf(wanted) : LEVELS.indexOf('log');
  return LEVELS.slice(from);
}
