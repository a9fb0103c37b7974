// The large-model tier in local mode. An `engine.kind: openai` Specialist is served by worker
// processes like any other (one queue discipline for every tier); only its engine differs: a
// simulator started with the large-model profile (slower, always on-schema) unless local mode
// was given a real endpoint with --llm-url. Local mode never calls the Specialist's own
// engine.url: that is where a cluster calls, and calling it here would spend money unasked.
import { servedModelName, type Specialist } from '@slm-fleet/api';
import { openaiWorkerArgs } from '@slm-fleet/workloads';

/** How local mode serves the large-model tier (from --llm-url, --llm-model, --llm-api-key-env). */
export interface LargeModelSettings {
  /** A real OpenAI-compatible endpoint for every openai Specialist; else each worker gets a simulator. */
  llmUrl?: string;
  /** The model to ask that endpoint for, instead of each Specialist's served name. */
  llmModel?: string;
  /** The endpoint's API key: it reaches the workers in their environment only, never argv or a log. */
  llmApiKey?: string;
}

/** The variable a worker reads its engine's API key from (the operator sets it from engine.secretRef). */
export const WORKER_API_KEY_ENV = 'SLM_FLEET_ENGINE_API_KEY';
/** The variable a large-model simulator reads the key it requires from (`engine-sim --api-key-env`). */
export const SIMULATOR_API_KEY_ENV = 'SLM_FLEET_SIM_API_KEY';
/** The variable --llm-api-key-env names by default. */
export const DEFAULT_LLM_API_KEY_ENV = 'SLM_FLEET_LLM_API_KEY';

/**
 * Worker processes of an openai Specialist: not sized by the autoscaler, as on a cluster. They
 * hold no GPU: an HTTP client pulling the queue, whose capacity is the endpoint's
 * (engine.maxConcurrency and engine.limits over all its workers), so load would not call for
 * more. spec.replicas (default 1) within the scaling bounds, as the operator runs them.
 */
export function largeModelWorkers(specialist: Specialist): number {
  const { replicas, scaling } = specialist.spec;
  return Math.min(scaling.maxReplicas, Math.max(scaling.minReplicas, replicas ?? scaling.minReplicas));
}

export const isLargeModel = (specialist: Specialist): boolean => specialist.spec.engine.kind === 'openai';

/** What a replica of a Specialist runs, decided before anything starts. */
export interface EnginePlan {
  /** `engine-sim` arguments, or undefined when the worker calls `engineUrl`. */
  simulatorArgs?: string[];
  /** Added to the simulator's environment. */
  simulatorEnv: Record<string, string | undefined>;
  /** The external engine, when there is no simulator. */
  engineUrl?: string;
  model: string;
  /** Worker flags beyond the ones every worker gets. */
  workerArgs: string[];
  /** Added to the worker's environment (undefined removes an inherited variable). */
  workerEnv: Record<string, string | undefined>;
}

export interface EnginePlanInput {
  /** --engine-url: an OpenAI-compatible engine for every Specialist but the openai ones. */
  engineUrl?: string;
  largeModel: LargeModelSettings;
  /** The variable the user's key came from: no child inherits it. */
  llmApiKeyEnv: string;
  /** Extra simulator flags (the local.slm.dev/simulator-args annotation). */
  simulatorExtraArgs: string[];
  /** A fresh key for a large-model simulator, so the worker's key handling runs as against a provider. */
  simulatorKey: string;
}

/** Plans a replica's engine and the worker's flags and environment for it. */
export function planEngine(specialist: Specialist, input: EnginePlanInput): EnginePlan {
  const { engine } = specialist.spec;
  // No child inherits the user's key under its own name, or a key exported for a cluster's workers.
  const hidden = { [input.llmApiKeyEnv]: undefined, [WORKER_API_KEY_ENV]: undefined };
  const simulator = (extra: string[], model: string) => [
    'engine-sim',
    '--model',
    model,
    '--max-batch',
    String(engine.maxConcurrency),
    ...extra,
    ...input.simulatorExtraArgs,
  ];
  if (!isLargeModel(specialist)) {
    const model = servedModelName(specialist);
    return input.engineUrl
      ? { engineUrl: input.engineUrl, model, simulatorEnv: hidden, workerArgs: [], workerEnv: hidden }
      : { simulatorArgs: simulator([], model), model, simulatorEnv: hidden, workerArgs: [], workerEnv: hidden };
  }
  // The operator's own flags for its worker Deployment: the same budgets, kept in Redis.
  const workerArgs = openaiWorkerArgs(specialist);
  const { llmUrl, llmModel, llmApiKey } = input.largeModel;
  if (llmUrl) {
    return {
      engineUrl: llmUrl,
      model: llmModel ?? servedModelName(specialist),
      simulatorEnv: hidden,
      workerArgs,
      workerEnv: { ...hidden, [WORKER_API_KEY_ENV]: llmApiKey || undefined },
    };
  }
  const model = servedModelName(specialist);
  return {
    simulatorArgs: simulator(['--profile', 'large-model', '--api-key-env', SIMULATOR_API_KEY_ENV], model),
    simulatorEnv: { ...hidden, [SIMULATOR_API_KEY_ENV]: input.simulatorKey },
    model,
    workerArgs,
    workerEnv: { ...hidden, [WORKER_API_KEY_ENV]: input.simulatorKey },
  };
}

/**
 * The large-model settings from the options and the environment, and what to warn of: an
 * endpoint without a key (fine for a local vLLM, a 401 from a provider), or a key with no
 * endpoint (unused: the simulator serves).
 */
export function largeModelSettings(
  options: { llmUrl?: string; llmModel?: string; llmApiKeyEnv: string },
  env: NodeJS.ProcessEnv,
): { settings: LargeModelSettings; warnings: string[] } {
  const key = env[options.llmApiKeyEnv] || undefined;
  if (!options.llmUrl) {
    return {
      settings: {},
      warnings: [
        ...(key ? [`${options.llmApiKeyEnv} is set but --llm-url is not: the large model is a simulator`] : []),
        ...(options.llmModel ? ['--llm-model is set but --llm-url is not: the large model is a simulator'] : []),
      ],
    };
  }
  return {
    settings: {
      llmUrl: options.llmUrl,
      ...(options.llmModel ? { llmModel: options.llmModel } : {}),
      ...(key ? { llmApiKey: key } : {}),
    },
    warnings: key ? [] : [`${options.llmApiKeyEnv} is not set: the large model at --llm-url is called without a key`],
  };
}

/** How the large-model tier is served, for the log and the live view (never the key). */
export function describeLargeModelEngine(settings: LargeModelSettings): string {
  if (!settings.llmUrl) return 'simulator (large-model profile)';
  return `${settings.llmUrl}${settings.llmModel ? ` (model ${settings.llmModel})` : ''}`;
}
