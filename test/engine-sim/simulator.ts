// Starts the engine simulator in-process on a free port, with an OpenAI client pointed at it.
import OpenAI from 'openai';
import { startEngineSim, type EngineSimOptions } from '@slm-fleet/engine-sim';
import type { RunningService } from '@slm-fleet/service';
import { SIMULATOR_DEFAULTS, type SimStats } from '@slm-fleet/simulator';

/** The CLI's defaults (apps/cli/src/service-options.ts), on loopback and a free port. */
export const SIM_DEFAULTS: EngineSimOptions = { host: '127.0.0.1', httpPort: 0, ...SIMULATOR_DEFAULTS };

export interface Simulator {
  service: RunningService;
  baseUrl: string;
  /** No retries, so each call is one request and a 500 reaches the test. */
  client: OpenAI;
  stats: () => Promise<SimStats>;
  /** POST /sim/faults, with the faults token when the simulator has one. */
  setSwitches: (switches: Record<string, unknown>) => Promise<Response>;
  post: (path: string, body: string, headers?: Record<string, string>) => Promise<Response>;
}

export async function startSimulator(overrides: Partial<EngineSimOptions> = {}): Promise<Simulator> {
  const service = await startEngineSim({ ...SIM_DEFAULTS, ...overrides });
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const token = overrides.faultsToken;
  const authorization: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return {
    service,
    baseUrl,
    client: new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 }),
    stats: async () => (await (await fetch(`${baseUrl}/sim/stats`)).json()) as SimStats,
    setSwitches: (switches) => post('/sim/faults', JSON.stringify(switches), authorization),
    post,
  };
}
