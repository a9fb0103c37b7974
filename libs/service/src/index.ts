export { startService, type RunningService, type ServiceOptions } from './start-service.js';
export { HealthModule } from './health/health.module.js';
export { Readiness, type ReadinessCheck } from './health/readiness.js';
export { createJsonLogger } from './json-logger.js';
export { runUntilSignal, type Stoppable } from './run-until-signal.js';
export { freePort } from './free-port.js';
export {
  SWITCH_REFUSALS,
  bearerToken,
  checkAccessToken,
  isLoopbackAddress,
  switchAccess,
  type SwitchAccess,
} from './switch-access.js';
