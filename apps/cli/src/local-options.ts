import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { parseCount } from './options.js';
import { grpcPortOption } from './service-options.js';

/** What `slm-fleet local` parses (commander's names). */
export interface LocalCommandOptions {
  host: string;
  httpPort: number;
  grpcPort: number;
  redisUrl?: string;
  queuePrefix: string;
  resources: string;
  engineUrl?: string;
  demo: boolean;
  intervalSeconds: number;
  stateDir?: string;
}

/** The repository's examples/local, where the executable runs from a clone; else ./examples/local. */
function defaultResources(): string {
  const inRepo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'local');
  return existsSync(inRepo) ? inRepo : join('examples', 'local');
}

export function localOptions(): Option[] {
  return [
    grpcPortOption("the router's gRPC port (0 = any free port)"),
    new Option('--resources <dir>', 'directory of Specialist and AgentTask YAML files')
      .env('SLM_FLEET_LOCAL_RESOURCES')
      .default(defaultResources(), 'examples/local'),
    new Option(
      '--engine-url <url>',
      'an OpenAI-compatible engine for every Specialist (Ollama, llama.cpp, vLLM) instead of the simulator',
    ).env('SLM_FLEET_ENGINE_URL'),
    new Option('--no-demo', 'only serve: no demo workload, no live view'),
    new Option('--interval-seconds <n>', 'seconds between two autoscaling decisions')
      .argParser(parseCount('--interval-seconds', 1, 300))
      .default(3),
    new Option(
      '--state-dir <dir>',
      'where local mode records its children, to end them if it dies without stopping them (default: $XDG_RUNTIME_DIR/slm-fleet/local, else ~/.local/state/slm-fleet/local)',
    ).env('SLM_FLEET_LOCAL_STATE_DIR'),
  ];
}
