// The data plane the faults are injected into: a Redis the benchmark can kill, one router on
// fixed ports (so a restarted one is found where the callers look), workers in front of one
// simulator through the engine tap.
import { Fleet, type FleetProcess } from '../data-plane/fleet.js';
import { EngineTap } from './engine-tap.js';
import type { KillableRedis } from './killable-redis.js';

export const SPECIALIST = 'overhead';
export const TASK = 'overhead-task';
const WORKER_CONCURRENCY = 16;

export interface FaultFleetPorts {
  grpc: number;
  http: number;
}

export class FaultFleet {
  router: FleetProcess | undefined;
  readonly workers: FleetProcess[] = [];
  private engine: FleetProcess | undefined;
  private workerCount = 0;

  private constructor(
    private readonly fleet: Fleet,
    readonly redis: KillableRedis,
    readonly tap: EngineTap,
    private readonly ports: FaultFleetPorts,
  ) {}

  static async start(fleet: Fleet, redis: KillableRedis, ports: FaultFleetPorts, workers: number): Promise<FaultFleet> {
    // About 100 ms a call (50 tokens, 2 ms each): long enough to be caught mid-call by a fault.
    const engine = await fleet.sim({ tpot: '2ms', maxBatch: 256, outputTokens: 50 });
    const faultFleet = new FaultFleet(fleet, redis, await EngineTap.start(engine.port), ports);
    faultFleet.engine = engine;
    await faultFleet.startRouter();
    await faultFleet.scaleTo(workers);
    return faultFleet;
  }

  async startRouter(): Promise<void> {
    const args = ['--grpc-port', String(this.ports.grpc), '--http-port', String(this.ports.http)];
    this.router = await this.fleet.router({ args: [...args, '--redis-url', this.redis.url] });
  }

  async killRouter(): Promise<void> {
    if (this.router) await this.fleet.kill(this.router);
    this.router = undefined;
  }

  /** Starts or drains (SIGTERM) workers until `count` run. */
  async scaleTo(count: number): Promise<void> {
    while (this.workers.length > count) await this.fleet.stop(this.workers.pop());
    const starting: Promise<FleetProcess>[] = [];
    for (let i = this.workers.length; i < count; i++) starting.push(this.startWorker());
    this.workers.push(...(await Promise.all(starting)));
  }

  async killWorker(): Promise<void> {
    const doomed = this.workers.shift();
    if (doomed) await this.fleet.kill(doomed);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => this.fleet.stop(w)));
    await this.fleet.stop(this.router);
    await this.fleet.stop(this.engine);
    await this.tap.stop();
  }

  private startWorker(): Promise<FleetProcess> {
    if (!this.engine) throw new Error('no engine');
    const args = ['--redis-url', this.redis.url, '--replica', `w${++this.workerCount}`];
    // The worker calls the tap, which passes every request on to the simulator.
    return this.fleet.worker(SPECIALIST, { ...this.engine, port: this.tap.port }, WORKER_CONCURRENCY, { args });
  }
}
