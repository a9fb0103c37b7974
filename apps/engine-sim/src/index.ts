import { startService, type RunningService } from '@slm-fleet/service';
import { checkEngineSimOptions, type EngineSimOptions } from './engine-sim-options.js';
import { EngineSimModule } from './engine-sim.module.js';

export type { EngineSimOptions } from './engine-sim-options.js';

/** Starts the engine simulator: the OpenAI-compatible API, /health, and the /sim controls. */
export async function startEngineSim(options: EngineSimOptions): Promise<RunningService> {
  checkEngineSimOptions(options);
  const { host, httpPort, faultsToken, apiKeyEnv, ...behaviour } = options;
  const running = await startService({ name: 'engine-sim', module: EngineSimModule.forRoot(options), host, httpPort });
  running.logger.log({
    msg: 'engine simulator serving (simulated answers, no model)',
    port: running.port,
    ...behaviour,
    // Who may flip the switches and call the API; the token and the key are never logged.
    faults: faultsToken === undefined ? 'loopback callers' : 'bearer token',
    apiKey: apiKeyEnv === undefined ? 'none' : `bearer token from ${apiKeyEnv}`,
  });
  return running;
}
