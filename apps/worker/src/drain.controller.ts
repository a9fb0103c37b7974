import { Controller, Get, Inject } from '@nestjs/common';
import { Readiness } from '@slm-fleet/service';
import { WorkerRuntime, type DrainReport } from './worker-runtime.js';

/**
 * `GET /drain`, the pod's preStop hook (the kubelet's httpGet sends only GET). It starts the
 * drain SIGTERM would, but keeps the HTTP server up, and answers once the calls have finished
 * or gone back to the queue. The engine's preStop calls it too, so the kubelet holds the
 * engine's SIGTERM until the worker no longer needs it. Every call joins the same drain.
 */
@Controller()
export class DrainController {
  constructor(
    @Inject(WorkerRuntime) private readonly runtime: WorkerRuntime,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  @Get('drain')
  async drain(): Promise<DrainReport & { drained: true }> {
    this.readiness.startDraining();
    const report = await this.runtime.stop();
    return { drained: true, ...report };
  }
}
