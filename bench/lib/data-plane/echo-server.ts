// The throughput baseline: a bare grpc-js server whose AgentRouter/Invoke answers at once with
// a response shaped like the router's (output, who answered, usage, timings, call id). Run as
// its own process, like the router, so the load generator is measured against the same kind of
// peer; prints {"port": N} on stdout once bound.
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { AgentRouterService, InvokeResponse, type InvokeRequest } from '@slm-fleet/proto';

const answer = InvokeResponse.fromPartial({
  output: 'lorem ipsum dolor sit',
  finishReason: 'length',
  answeredBy: { specialist: 'bench/echo', model: 'sim-model', replica: 'echo' },
  usage: { promptTokens: 12, completionTokens: 4 },
  timings: { queueMs: 0.2, serviceMs: 0.5, timeToFirstTokenMs: 0.1, totalMs: 1.1 },
  callId: '00000000-0000-4000-8000-000000000000',
});

const unimplemented = (_call: unknown, callback: sendUnaryData<never>): void =>
  callback({ code: status.UNIMPLEMENTED, details: 'echo server: Invoke only' });

const server = new Server();
server.addService(AgentRouterService, {
  invoke: (_call: ServerUnaryCall<InvokeRequest, InvokeResponse>, callback: sendUnaryData<InvokeResponse>) =>
    callback(null, answer),
  invokeStream: (call: { destroy: (e: Error) => void }) => call.destroy(new Error('echo server: Invoke only')),
  listTasks: unimplemented,
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(JSON.stringify({ port }));
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
