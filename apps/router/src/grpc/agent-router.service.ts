import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import {
  GRPC_FIELD_NAMES,
  asCallFailure,
  checkRequestSize,
  validateCall,
  type CallFailure,
  type SchemaValidators,
} from '@slm-fleet/calls';
import {
  AgentRouterService,
  type AgentRouterServer,
  type InvokeChunk,
  type InvokeRequest,
  type InvokeResponse,
  type ListTasksRequest,
  type ListTasksResponse,
} from '@slm-fleet/proto';
import type { StreamDelta } from '@slm-fleet/queue';
import type { TaskRoute } from '@slm-fleet/routing';
import type { CallDispatcher } from '../dispatch/call-dispatcher.js';
import type { RouterMetrics } from '../router-metrics.js';
import { callRequestOf, deadlineOf, invokeResponseOf, serviceErrorOf, taskInfoOf } from './grpc-mapping.js';

/** Sizes of decoded requests, so a too-large one is refused with a message naming the limit. */
const requestBytes = new WeakMap<object, number>();

function measuring<T extends object>(decode: (buffer: Buffer) => T): (buffer: Buffer) => T {
  return (buffer) => {
    const message = decode(buffer);
    requestBytes.set(message, buffer.length);
    return message;
  };
}

/** The AgentRouter service definition, with request sizes recorded as they are decoded. */
export const measuredAgentRouterService = {
  ...AgentRouterService,
  invoke: { ...AgentRouterService.invoke, requestDeserialize: measuring(AgentRouterService.invoke.requestDeserialize) },
  invokeStream: {
    ...AgentRouterService.invokeStream,
    requestDeserialize: measuring(AgentRouterService.invokeStream.requestDeserialize),
  },
};

export interface AgentRouterDeps {
  dispatcher: CallDispatcher;
  validators: SchemaValidators;
  routingTable: () => ReadonlyMap<string, TaskRoute>;
  maxRequestBytes: number;
  metrics: RouterMetrics;
  /** The failure a caller gets for an error; unexpected ones are logged with an id. */
  failureOf(error: unknown, task: string): CallFailure;
}

/** gRPC handlers: decode, validate, dispatch, encode. Decisions live in libs and the dispatcher. */
export function agentRouterServer(deps: AgentRouterDeps): AgentRouterServer {
  const run = async (
    request: InvokeRequest,
    deadline: Date | number,
    traceparent: string | undefined,
    cancelled: AbortSignal,
    onDelta?: (delta: StreamDelta) => void,
  ): Promise<InvokeResponse> => {
    const receivedAt = Date.now();
    const end = deps.metrics.startCall(request.task);
    try {
      checkRequestSize(requestBytes.get(request) ?? 0, deps.maxRequestBytes);
      const call = validateCall(callRequestOf(request), GRPC_FIELD_NAMES, deps.validators);
      const callDeadline = deadlineOf(deadline);
      const answer = await deps.dispatcher.dispatch(call, {
        cancelled,
        ...(callDeadline === undefined ? {} : { deadline: callDeadline }),
        ...(traceparent ? { traceparent } : {}),
        ...(onDelta ? { onDelta } : {}),
      });
      end('OK');
      return invokeResponseOf(answer, receivedAt);
    } catch (error) {
      const failure = deps.failureOf(error, request.task);
      end(failure.code);
      throw failure;
    }
  };

  /**
   * A signal that fires if the caller cancels before the answer. grpc-js also emits
   * 'cancelled' when a finished call's stream closes; aborting then would cost a DOMException
   * per call for nothing, hence `settled`.
   */
  const cancellation = (call: { on(event: 'cancelled', listener: () => void): unknown }) => {
    const controller = new AbortController();
    const state = { settled: false };
    call.on('cancelled', () => {
      if (!state.settled) controller.abort();
    });
    return { signal: controller.signal, settle: () => (state.settled = true) };
  };
  const traceparentOf = (call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>) =>
    call.metadata.get('traceparent')[0]?.toString();

  return {
    invoke(call: ServerUnaryCall<InvokeRequest, InvokeResponse>, callback: sendUnaryData<InvokeResponse>) {
      const cancel = cancellation(call);
      run(call.request, call.getDeadline(), traceparentOf(call), cancel.signal).then(
        (response) => (cancel.settle(), callback(null, response)),
        (error: unknown) => (cancel.settle(), callback(serviceErrorOf(asCallFailure(error)))),
      );
    },

    invokeStream(call: ServerWritableStream<InvokeRequest, InvokeChunk>) {
      const cancel = cancellation(call);
      const onDelta = (delta: StreamDelta) =>
        call.write({
          delta: delta.text ?? '',
          toolCalls: (delta.toolCalls ?? []).map((piece) => ({
            index: piece.index,
            id: piece.id ?? '',
            name: piece.name ?? '',
            arguments: piece.arguments ?? '',
          })),
        });
      run(call.request, call.getDeadline(), traceparentOf(call), cancel.signal, onDelta).then(
        (done) => {
          cancel.settle();
          call.write({ delta: '', done, toolCalls: [] });
          call.end();
        },
        (error: unknown) => {
          cancel.settle();
          call.emit('error', serviceErrorOf(asCallFailure(error)));
        },
      );
    },

    listTasks(_call: ServerUnaryCall<ListTasksRequest, ListTasksResponse>, callback: sendUnaryData<ListTasksResponse>) {
      const tasks = [...deps.routingTable().values()].sort((a, b) => a.name.localeCompare(b.name)).map(taskInfoOf);
      callback(null, { tasks });
    },
  };
}
