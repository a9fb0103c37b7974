import { CallFailure } from '@slm-fleet/calls';
import type { TaskRoute } from '@slm-fleet/routing';
import { errorBody } from './openai-responses.js';

// GET /v1/models/{model}: a task as an OpenAI model object, or OpenAI's own 404.

export const modelBody = (task: TaskRoute): object => ({
  id: task.name,
  object: 'model',
  created: 0,
  owned_by: 'slm-fleet',
});

/** OpenAI's answer for an unknown model, listing the tasks there are so a typo is easy to fix. */
export function modelNotFoundBody(model: string, tasks: Iterable<string>): object {
  const known = [...tasks].sort();
  const list = known.length === 0 ? 'none yet' : known.slice(0, 20).join(', ') + (known.length > 20 ? ', ...' : '');
  return {
    error: {
      message: `The model "${model.slice(0, 80)}" does not exist: this router serves no task of that name (tasks: ${list})`,
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    },
  };
}

/**
 * The answer to GET /v1/models/{model}. Until the router has listed the Specialists and
 * AgentTasks it knows no task, so it says so (503, retryable) rather than a 404 a client
 * might believe.
 */
export function modelAnswer(
  model: string,
  table: ReadonlyMap<string, TaskRoute>,
  synced: boolean,
): { status: number; body: object; headers?: Record<string, string> } {
  if (!synced) {
    return errorBody(
      new CallFailure(
        'UNAVAILABLE',
        'ROUTING_TABLE_NOT_READY',
        'the router has not listed its Specialists and AgentTasks yet; retry',
      ),
    );
  }
  const task = table.get(model);
  return task ? { status: 200, body: modelBody(task) } : { status: 404, body: modelNotFoundBody(model, table.keys()) };
}
