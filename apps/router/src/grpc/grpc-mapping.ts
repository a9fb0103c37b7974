import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { CallFailure, CallRequest } from '@slm-fleet/calls';
import { ERROR_REASON_TRAILER, type InvokeRequest, type InvokeResponse, type TaskInfo } from '@slm-fleet/proto';
import type { TaskRoute } from '@slm-fleet/routing';
import type { Answer } from '../dispatch/call-dispatcher.js';

export function callRequestOf(request: InvokeRequest): CallRequest {
  const p = request.parameters;
  return {
    task: request.task,
    messages: request.messages,
    ...(request.prompt ? { prompt: request.prompt } : {}),
    params: {
      ...(p?.maxTokens === undefined ? {} : { maxTokens: p.maxTokens }),
      ...(p?.temperature === undefined ? {} : { temperature: p.temperature }),
      ...(p?.topP === undefined ? {} : { topP: p.topP }),
      ...(p?.stop.length ? { stop: p.stop } : {}),
      ...(p?.seed === undefined ? {} : { seed: p.seed }),
    },
    ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    ...(request.sessionKey ? { sessionKey: request.sessionKey } : {}),
    ...(request.priority === undefined ? {} : { priority: request.priority }),
  };
}

export function invokeResponseOf(answer: Answer, receivedAt: number): InvokeResponse {
  const { result } = answer;
  return {
    output: result.output,
    ...(answer.json === undefined ? {} : { json: answer.json }),
    finishReason: result.finishReason,
    answeredBy: { specialist: answer.specialist, model: result.model, adapter: '', replica: result.replica },
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
    timings: {
      queueMs: result.timings.queueMs,
      serviceMs: result.timings.serviceMs,
      timeToFirstTokenMs: result.timings.timeToFirstTokenMs,
      totalMs: Date.now() - receivedAt,
    },
    callId: answer.callId,
  };
}

export function taskInfoOf(task: TaskRoute): TaskInfo {
  return {
    name: task.name,
    namespace: task.namespace,
    source: task.source,
    priority: task.priority,
    timeoutMs: task.timeoutMs,
    jsonSchema: task.jsonSchema ? JSON.stringify(task.jsonSchema) : '',
    routes: task.routes.map((r) => ({ specialist: r.specialist, weight: r.weight, ready: r.ready })),
  };
}

export function serviceErrorOf(failure: CallFailure): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(ERROR_REASON_TRAILER, failure.reason);
  return { code: status[failure.code], details: failure.message, metadata };
}

/** The call's absolute deadline from gRPC (epoch ms), or undefined when the caller set none. */
export function deadlineOf(deadline: Date | number): number | undefined {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
