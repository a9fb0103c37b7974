import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option } from 'commander';
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
  llmUrl?: string;
  llmModel?: string;
  llmApiKeyEnv: string;
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
      'an OpenAI-compatible engine for every Specialist but the engine.kind openai ones (Ollama, llama.cpp, vLLM) instead of the simulator',
    ).env('SLM_FLEET_ENGINE_URL'),
    new Option(
      '--llm-url <url>',
      'a real OpenAI-compatible endpoint for the engine.kind openai Specialists (the large model) instead of a simulator; its key comes from --llm-api-key-env',
    )
      .argParser(parseLlmUrl)
      .env('SLM_FLEET_LLM_URL'),
    new Option('--llm-model <name>', "the model to ask --llm-url for (default: each openai Specialist's model)").env(
      'SLM_FLEET_LLM_MODEL',
    ),
    // The key itself is never a flag: a command line shows in ps.
    new Option('--llm-api-key-env <name>', "the environment variable holding --llm-url's API key")
      .argParser(parseEnvName)
      .default('SLM_FLEET_LLM_API_KEY'),
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

/**
 * An http(s) URL without credentials: a key in the URL would show in ps and in the log, so
 * this says where it goes instead (and does not echo the URL).
 */
export function parseLlmUrl(value: string): string {
  if (value === '') return value; // an exported SLM_FLEET_LLM_URL= means none, as for --engine-url
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--llm-url must be an http:// or https:// URL, e.g. https://api.openai.com/v1.`);
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError(
      '--llm-url must not hold credentials: put the API key in the variable --llm-api-key-env names (SLM_FLEET_LLM_API_KEY).',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`--llm-url must be an http:// or https:// URL, e.g. https://api.openai.com/v1.`);
  }
  return value;
}

/** An environment variable's name: letters, digits and '_', not starting with a digit. */
export function parseEnvName(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InvalidArgumentError(
      `--llm-api-key-env must name an environment variable (letters, digits, '_'), e.g. OPENAI_API_KEY, got "${value}".`,
    );
  }
  return value;
}
