import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, HttpException, Inject, Logger, Req, Res } from '@nestjs/common';
import { Readiness, switchAccess } from '@slm-fleet/service';
import { WorkerRuntime, type DrainReport } from './worker-runtime.js';

/** What the drain controller is given (Nest injection token DRAIN_SETTINGS). */
export interface DrainSettings {
  /** The bearer token every caller must send; undefined: loopback callers only. */
  token: string | undefined;
}

export const DRAIN_SETTINGS = Symbol('DrainSettings');

/**
 * `GET /drain`, the pod's preStop hook (the kubelet's httpGet sends only GET). It starts the
 * drain SIGTERM would, but keeps the HTTP server up, and answers once the calls have finished
 * or gone back to the queue. The engine's preStop calls it too, so the kubelet holds the
 * engine's SIGTERM until the worker no longer needs it. Every call joins the same drain.
 *
 * Draining is a switch: with a drain token (the operator's pods have one, in the worker's env
 * and both hooks' `Authorization` header) every caller must send it; without one only
 * loopback callers may (see libs/service switch-access.ts). A refusal drains nothing.
 */
@Controller()
export class DrainController {
  private readonly logger = new Logger('worker');

  constructor(
    @Inject(WorkerRuntime) private readonly runtime: WorkerRuntime,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(DRAIN_SETTINGS) private readonly settings: DrainSettings,
  ) {}

  @Get('drain')
  async drain(
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<DrainReport & { drained: true }> {
    const remoteAddress = req.socket.remoteAddress;
    const access = switchAccess({ authorization: req.headers.authorization, remoteAddress }, this.settings.token);
    if (!access.allowed) {
      this.logger.warn({ msg: 'refused GET /drain', reason: access.reason, remoteAddress });
      if (access.status === 401) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpException(
          {
            statusCode: 401,
            error: 'Unauthorized',
            header: 'Authorization',
            message: `GET /drain needs the header "Authorization: Bearer <token>" with the worker's drain token (SLM_FLEET_DRAIN_TOKEN): ${access.reason}`,
          },
          401,
        );
      }
      throw new HttpException(
        {
          statusCode: 403,
          error: 'Forbidden',
          message:
            'GET /drain answers only loopback callers when the worker has no drain token; set SLM_FLEET_DRAIN_TOKEN and send "Authorization: Bearer <token>"',
        },
        403,
      );
    }
    this.readiness.startDraining();
    const report = await this.runtime.stop();
    return { drained: true, ...report };
  }
}
