import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { CallFailure, CallMessage, CallRequest, CallTool } from '@slm-fleet/calls';
import type { TokenLogprob as EngineLogprob, ToolDefinition } from '@slm-fleet/queue';
import {
  ERROR_REASON_TRAILER,
  type InvokeRequest,
  type InvokeResponse,
  type Message,
  type TaskInfo,
  type TokenLogprob,
  type Tool,
} from '@slm-fleet/proto';
import type { TaskRoute } from '@slm-fleet/routing';
import type { Answer } from '../dispatch/call-dispatcher.js';

function callMessageOf(m: Message): CallMessage {
  const toolCalls = m.toolCalls.length > 0 ? m.toolCalls : undefined;
  return {
    role: m.role,
    // proto3 has no null string: an assistant turn that only calls tools has empty content.
    content: toolCalls && m.content === '' ? null : m.content,
    ...(m.name ? { name: m.name } : {}),
    ...(toolCalls ? { toolCalls } : {}),
    ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
  };
}

function callToolOf(tool: Tool): CallTool {
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    ...(tool.parameters ? { parameters: tool.parameters } : {}),
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
  };
}

export function callRequestOf(request: InvokeRequest): CallRequest {
  const p = request.parameters;
  const choice = request.toolChoice;
  return {
    task: request.task,
    messages: request.messages.map(callMessageOf),
    ...(request.prompt ? { prompt: request.prompt } : {}),
    params: {
      ...(p?.maxTokens === undefined ? {} : { maxTokens: p.maxTokens }),
      ...(p?.temperature === undefined ? {} : { temperature: p.temperature }),
      ...(p?.topP === undefined ? {} : { topP: p.topP }),
      ...(p?.stop.length ? { stop: p.stop } : {}),
      ...(p?.seed === undefined ? {} : { seed: p.seed }),
      ...(p?.frequencyPenalty === undefined ? {} : { frequencyPenalty: p.frequencyPenalty }),
      ...(p?.presencePenalty === undefined ? {} : { presencePenalty: p.presencePenalty }),
      ...(p?.logprobs === undefined ? {} : { logprobs: p.logprobs }),
      ...(p?.topLogprobs === undefined ? {} : { topLogprobs: p.topLogprobs }),
    },
    ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
    ...(request.tools.length > 0 ? { tools: request.tools.map(callToolOf) } : {}),
    ...(choice?.mode !== undefined ? { toolChoice: { mode: choice.mode } } : {}),
    ...(choice?.function !== undefined ? { toolChoice: { function: choice.function } } : {}),
    ...(request.parallelToolCalls === undefined ? {} : { parallelToolCalls: request.parallelToolCalls }),
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
    answeredBy: {
      specialist: answer.specialist,
      model: result.model,
      adapter: answer.adapter ?? '',
      replica: result.replica,
      tier: answer.tier,
      fallbackReason: answer.fallbackReason ?? '',
    },
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
    timings: {
      queueMs: result.timings.queueMs,
      serviceMs: result.timings.serviceMs,
      timeToFirstTokenMs: result.timings.timeToFirstTokenMs,
      totalMs: Date.now() - receivedAt,
    },
    callId: answer.callId,
    toolCalls: (result.toolCalls ?? []).map((c) => ({
      id: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
    })),
    logprobs: (result.logprobs ?? []).map(logprobOf),
  };
}

function logprobOf(entry: EngineLogprob): TokenLogprob {
  return {
    token: entry.token,
    logprob: entry.logprob,
    topLogprobs: (entry.top_logprobs ?? []).map((top) => ({ token: top.token, logprob: top.logprob })),
  };
}

function toolOf(tool: ToolDefinition): Tool {
  const fn = tool.function;
  return {
    name: fn.name,
    description: fn.description ?? '',
    parameters: fn.parameters ? JSON.stringify(fn.parameters) : '',
    ...(fn.strict === undefined ? {} : { strict: fn.strict }),
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
    tools: (task.tools ?? []).map(toolOf),
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
