// Between the client's plain types and the generated protobuf messages. Pure.
import { InvokeRequest, type InvokeResponse, type TaskInfo as ProtoTaskInfo } from '@slm-fleet/proto';
import type { CallOptions, InvokeInput, InvokeResult, TaskInfo } from './types.js';

/** The request message; fromPartial fills what the input leaves out with protobuf's defaults. */
export function invokeRequestOf(task: string, input: InvokeInput, idempotencyKey: string): InvokeRequest {
  const { messages, prompt, parameters, jsonSchema, sessionKey, priority } = input;
  return InvokeRequest.fromPartial({
    task,
    messages,
    prompt,
    parameters,
    jsonSchema: typeof jsonSchema === 'object' ? JSON.stringify(jsonSchema) : jsonSchema,
    idempotencyKey,
    sessionKey,
    priority,
  });
}

/** The response with every field present (protobuf leaves unset messages out). */
export function resultOf<T>(response: InvokeResponse): InvokeResult<T> {
  const { answeredBy, usage, timings } = response;
  return {
    output: response.output,
    json: response.json as T | undefined,
    finishReason: response.finishReason,
    answeredBy: {
      specialist: answeredBy?.specialist ?? '',
      model: answeredBy?.model ?? '',
      adapter: answeredBy?.adapter ?? '',
      replica: answeredBy?.replica ?? '',
    },
    usage: { promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0 },
    timings: {
      queueMs: timings?.queueMs ?? 0,
      serviceMs: timings?.serviceMs ?? 0,
      timeToFirstTokenMs: timings?.timeToFirstTokenMs ?? 0,
      totalMs: timings?.totalMs ?? 0,
    },
    callId: response.callId,
  };
}

export function taskInfoOf(task: ProtoTaskInfo): TaskInfo {
  return {
    name: task.name,
    namespace: task.namespace,
    source: task.source,
    priority: task.priority,
    timeoutMs: task.timeoutMs,
    jsonSchema: task.jsonSchema ? (JSON.parse(task.jsonSchema) as object) : undefined,
    routes: task.routes.map(({ specialist, weight, ready }) => ({ specialist, weight, ready })),
  };
}

/** The call's absolute deadline in epoch ms: every call has one, so none can hang. */
export function deadlineOf(options: CallOptions, defaultTimeoutMs: number, now: number): number {
  if (options.deadline !== undefined) {
    return options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  }
  return now + (options.timeoutMs ?? defaultTimeoutMs);
}
