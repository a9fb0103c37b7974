import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { serveApi, type SwitchAccess } from './api-routes.js';
import { ENGINE_SIM_OPTIONS, apiKeyOf, type EngineSimOptions } from './engine-sim-options.js';
import { SimulatedEngine } from './simulated-engine.js';

/**
 * Puts the simulator's API in front of Nest on the same HTTP server. A benchmark pushes
 * thousands of calls a second through the simulator on two cores; Express routing, body
 * parsing and Nest's pipeline would cost more than the simulated answer itself. Paths the API
 * does not own (/healthz, /readyz) still reach Nest.
 */
@Injectable()
export class ApiMount implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly access: SwitchAccess;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly engine: SimulatedEngine,
    @Inject(ENGINE_SIM_OPTIONS) options: EngineSimOptions,
  ) {
    const logger = new Logger('engine-sim');
    this.access = {
      faultsToken: options.faultsToken,
      apiKey: apiKeyOf(options),
      onRefused: (refusal) => logger.warn({ msg: `refused ${refusal.path}`, ...refusal }),
    };
  }

  private get server(): Server {
    return this.adapterHost.httpAdapter.getHttpServer() as Server;
  }

  // Runs during app.listen(), before the server binds, so no request ever misses the API.
  onApplicationBootstrap(): void {
    const server = this.server;
    const nest = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (serveApi(this.engine, req, res, this.access)) return;
      for (const listener of nest) listener.call(server, req, res);
    });
  }

  /**
   * Runs just before Nest closes the server, which waits for every connection to end. Hung
   * requests never would, and neither would a keep-alive connection a client opened but never
   * used (server.close() only ends idle ones that served a request). So: cut the unanswered
   * requests, then every connection.
   */
  beforeApplicationShutdown(): void {
    this.engine.cutAll();
    this.server.closeAllConnections();
  }
}
