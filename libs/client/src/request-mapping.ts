// Between the client's plain types and the generated protobuf messages. Pure.
import {
  InvokeRequest,
  type InvokeChunk,
  type InvokeResponse,
  type TaskInfo as ProtoTaskInfo,
  type TokenLogprob as ProtoTokenLogprob,
  type Tool as ProtoTool,
  type ToolCall as ProtoToolCall,
  type ToolChoice as ProtoToolChoice,
} from '@slm-fleet/proto';
import type {
  CallOptions,
  InvokeInput,
  InvokeResult,
  TaskInfo,
  TaskTool,
  TokenLogprob,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
} from './types.js';

/** The request message; fromPartial fills what the input leaves out with protobuf's defaults. */
export function invokeRequestOf(task: string, input: InvokeInput, idempotencyKey: string): InvokeRequest {
  const { messages, prompt, parameters, jsonSchema, sessionKey, priority, tools, toolChoice, parallelToolCalls } =
    input;
  return InvokeRequest.fromPartial({
    task,
    messages: messages?.map(({ role, content, toolCalls, toolCallId, name }) => ({
      role,
      content,
      toolCalls: toolCalls?.map(toolCallOf),
      toolCallId,
      name,
    })),
    prompt,
    parameters,
    jsonSchema: jsonTextOf(jsonSchema),
    idempotencyKey,
    sessionKey,
    priority,
    tools: tools?.map(({ name, description, parameters, strict }): Partial<ProtoTool> => ({
      name,
      description,
      parameters: jsonTextOf(parameters),
      strict,
    })),
    toolChoice: toolChoice === undefined ? undefined : toolChoiceOf(toolChoice),
    parallelToolCalls,
  });
}

/** A JSON Schema given as an object goes as JSON text; text goes unchanged. */
function jsonTextOf(schema: object | string | undefined): string | undefined {
  return typeof schema === 'object' ? JSON.stringify(schema) : schema;
}

function toolChoiceOf(choice: ToolChoice): ProtoToolChoice {
  return typeof choice === 'string' ? { mode: choice } : { function: choice.name };
}

/** Only the three fields: a call copied from elsewhere may carry more (an OpenAI `type`). */
function toolCallOf({ id, name, arguments: args }: ProtoToolCall | ToolCall): ToolCall {
  return { id, name, arguments: args };
}

function logprobOf({ token, logprob, topLogprobs }: ProtoTokenLogprob): TokenLogprob {
  return { token, logprob, topLogprobs: topLogprobs.map((top) => ({ token: top.token, logprob: top.logprob })) };
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
      tier: answeredBy?.tier === 'fallback' ? 'fallback' : 'specialist',
      fallbackReason: answeredBy?.fallbackReason ?? '',
    },
    usage: { promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0 },
    timings: {
      queueMs: timings?.queueMs ?? 0,
      serviceMs: timings?.serviceMs ?? 0,
      timeToFirstTokenMs: timings?.timeToFirstTokenMs ?? 0,
      totalMs: timings?.totalMs ?? 0,
    },
    callId: response.callId,
    toolCalls: response.toolCalls.map(toolCallOf),
    logprobs: response.logprobs.map(logprobOf),
  };
}

/** A stream chunk's tool call pieces; `id` and `name` only where set (a call's first piece). */
export function toolCallDeltasOf(chunk: InvokeChunk): ToolCallDelta[] {
  return chunk.toolCalls.map(({ index, id, name, arguments: args }) => ({
    type: 'toolCall',
    index,
    ...(id ? { id } : {}),
    ...(name ? { name } : {}),
    arguments: args,
  }));
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
    tools: task.tools.map(taskToolOf),
  };
}

function taskToolOf(tool: ProtoTool): TaskTool {
  return {
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters ? (JSON.parse(tool.parameters) as object) : undefined,
    strict: tool.strict,
  };
}

/** The call's absolute deadline in epoch ms: every call has one, so none can hang. */
export function deadlineOf(options: CallOptions, defaultTimeoutMs: number, now: number): number {
  if (options.deadline !== undefined) {
    return options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  }
  return now + (options.timeoutMs ?? defaultTimeoutMs);
}
