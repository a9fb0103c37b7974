// A real Nest app over real HTTP on loopback. It also proves the test runner keeps decorator
// metadata: HealthController gets Readiness by constructor injection, which needs it.
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthModule } from './health/health.module.js';
import { Readiness } from './health/readiness.js';
import { startService, type RunningService } from './start-service.js';

let engineLoaded = false;

@Injectable()
class EngineProbe implements OnModuleInit {
  constructor(private readonly readiness: Readiness) {}

  onModuleInit(): void {
    this.readiness.register({
      name: 'engine',
      check: async () => {
        if (!engineLoaded) throw new Error('model still loading');
      },
    });
  }
}

@Module({ imports: [HealthModule], providers: [EngineProbe] })
class ProbeModule {}

describe('startService', () => {
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  const get = (path: string): Promise<Response> => fetch(`http://127.0.0.1:${service?.port}${path}`);

  it('serves liveness, and readiness from the checks modules register', async () => {
    engineLoaded = false;
    service = await startService({ name: 'probe', module: ProbeModule, host: '127.0.0.1', httpPort: 0 });
    expect((await get('/healthz')).status).toBe(200);

    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, checks: { engine: 'model still loading' } });

    engineLoaded = true;
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { engine: 'ok' } });
  });

  it('stops listening after stop(), and stop() may be called twice', async () => {
    service = await startService({ name: 'probe', module: ProbeModule, host: '127.0.0.1', httpPort: 0 });
    const port = service.port;
    await Promise.all([service.stop(), service.stop()]);
    service = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
