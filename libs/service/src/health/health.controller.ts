import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Readiness, type ReadinessReport } from './readiness.js';

/** Kubernetes probes: /healthz is liveness (the process serves), /readyz is readiness. */
@Controller()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 with every check "ok", or 503 naming the failing checks. */
  @Get('readyz')
  async readyz(): Promise<ReadinessReport> {
    const report = await this.readiness.report();
    if (!report.ready) throw new ServiceUnavailableException(report);
    return report;
  }
}
