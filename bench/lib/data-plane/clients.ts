// The load generator's clients: the router's gRPC API through the generated client (one
// channel, as an agent service would hold), and the simulator's OpenAI API over keep-alive HTTP.
import { Agent, request } from 'node:http';
import { Metadata, credentials, type ServiceError } from '@grpc/grpc-js';
import { AgentRouterClient, InvokeRequest, type InvokeChunk, type InvokeResponse } from '@slm-fleet/proto';

export const PROMPT = 'Summarize: the cat sat on the mat.';

/** Calls AgentRouter/Invoke (the router, or the bare echo server) on a loopback port. */
export class RouterCaller {
  private readonly client: InstanceType<typeof AgentRouterClient>;
  private readonly metadata = new Metadata();

  constructor(grpcPort: number) {
    this.client = new AgentRouterClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  }

  /** A request to build once and send many times (encoding is the client's cost, not ours to repeat). */
  static request(task: string, maxTokens: number): InvokeRequest {
    return InvokeRequest.fromPartial({ task, prompt: PROMPT, parameters: { maxTokens } });
  }

  invoke(req: InvokeRequest, deadlineMs = 30_000): Promise<InvokeResponse> {
    return new Promise((resolve, reject) => {
      const done = (error: ServiceError | null, response: InvokeResponse): void =>
        error ? reject(new Error(`${error.code} ${error.details}`)) : resolve(response);
      this.client.invoke(req, this.metadata, { deadline: Date.now() + deadlineMs }, done);
    });
  }

  /** AgentRouter/InvokeStream read to its end; resolves with the whole response the last chunk carries. */
  invokeStream(req: InvokeRequest, deadlineMs = 30_000): Promise<InvokeResponse> {
    return new Promise((resolve, reject) => {
      const call = this.client.invokeStream(req, this.metadata, { deadline: Date.now() + deadlineMs });
      let done: InvokeResponse | undefined;
      call.on('data', (chunk: InvokeChunk) => void (chunk.done && (done = chunk.done)));
      call.on('error', (error: ServiceError) => reject(new Error(`${error.code} ${error.details}`)));
      call.on('end', () => (done ? resolve(done) : reject(new Error('the stream ended without its last chunk'))));
    });
  }

  close(): void {
    this.client.close();
  }
}

/** POST /v1/chat/completions straight to one simulator: what a caller without our data plane does. */
export class EngineCaller {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 2048 });
  private readonly bodies = new Map<string, string>();
  /** Requests sent and not yet answered (least-loaded push reads it). */
  inFlight = 0;

  constructor(readonly port: number) {}

  private body(maxTokens: number, stream: boolean): string {
    const key = `${maxTokens}/${stream}`;
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = JSON.stringify({
        model: 'sim-model',
        messages: [{ role: 'user', content: PROMPT }],
        max_tokens: maxTokens,
        ...(stream ? { stream: true } : {}),
      });
      this.bodies.set(key, body);
    }
    return body;
  }

  /** Resolves once the whole answer is in: one JSON body, or (stream) every SSE chunk up to the end. */
  complete(maxTokens: number, stream = false): Promise<void> {
    const body = this.body(maxTokens, stream);
    this.inFlight++;
    return new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/v1/chat/completions',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode === 200) resolve();
            else reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    }).finally(() => this.inFlight--);
  }

  close(): void {
    this.agent.destroy();
  }
}
