/**
 * The trailing metadata key in which the router puts a failed call's stable, machine-readable
 * reason (such as TASK_NOT_FOUND or QUEUE_FULL), for programs to branch on: the router sets it,
 * clients read it.
 */
export const ERROR_REASON_TRAILER = 'slm-error-reason';
