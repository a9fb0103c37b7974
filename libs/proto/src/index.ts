// The slm.v1 gRPC API: messages, the AgentRouter service and client (generated from
// proto/slm/v1/router.proto by `npm run generate`), and the standard health and reflection services.
export * from './gen/slm/v1/router.js';
export { ERROR_REASON_TRAILER } from './error-reason.js';
export {
  AGENT_ROUTER_SERVICE_NAME,
  HealthImplementation,
  addStandardServices,
  reflectionPackageDefinition,
  setServing,
} from './standard-services.js';
