export { agentTaskStatus, specialistIsReady } from './agent-task-status.js';
