export { agentTaskStatus, specialistIsReady } from './agent-task-status.js';
export {
  buildRoutingTable,
  pickRoute,
  DEFAULT_TASK_POLICY,
  DEFAULT_MAX_WAITING,
  type SpecialistRoute,
  type TaskRoute,
} from './routing-table.js';
