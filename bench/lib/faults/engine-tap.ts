// A pass-through HTTP proxy between the workers and the simulator that notes when the engine
// starts each call (by the call's own id in its prompt): a call the engine starts twice ran
// twice, and one started after its caller had the answer ran for nothing.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The prompt of call `id`, which the tap reads back. */
export const promptOf = (id: string): string => `fault-call ${id}: summarize the ticket`;
const ID = /fault-call (\S+):/;

export class EngineTap {
  /** Call id -> epoch ms of each engine start. */
  readonly starts = new Map<string, number[]>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(enginePort: number): Promise<EngineTap> {
    const holder: { tap?: EngineTap } = {};
    const server = createServer((req, res) => holder.tap?.forward(req, res, enginePort));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.tap = new EngineTap(server, (server.address() as AddressInfo).port);
    return holder.tap;
  }

  /** The tap's URL, for `worker --engine-url`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse, enginePort: number): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const id = ID.exec(body.toString('utf8'))?.[1];
      if (id && req.method === 'POST') this.starts.set(id, [...(this.starts.get(id) ?? []), Date.now()]);
      const upstream = request(
        { host: '127.0.0.1', port: enginePort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      // A worker killed mid-call: the engine sees its client go, as without the tap.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  }
}
