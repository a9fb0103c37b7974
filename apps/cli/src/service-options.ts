import { DEFAULT_QUEUE_PREFIX } from '@slm-fleet/queue';
import { InvalidArgumentError, Option } from 'commander';
import { MAX_RETRY_AFTER_SECONDS, SIMULATOR_PROFILES, SIMULATOR_DEFAULTS as SIM } from '@slm-fleet/simulator';
import { parseCount, parseDuration, parseFraction, parseQueueName, parseSpecialistRef } from './options.js';

// The flags specific to each service. Every flag also reads an environment variable, because
// the operator configures the worker sidecar through its environment.

/** Flags of every service on Redis: cluster mode and the BullMQ key prefix. */
export function queueOptions(): Option[] {
  return [
    new Option('--redis-cluster', 'treat --redis-url as a seed node of a Redis Cluster').env('REDIS_CLUSTER'),
    queuePrefixOption(),
  ];
}

/** The BullMQ key prefix alone: local mode takes it, but not --redis-cluster (it speaks to one Redis node). */
export function queuePrefixOption(): Option {
  return new Option('--queue-prefix <prefix>', 'prefix of every queue key in Redis (BullMQ prefix)')
    .env('SLM_FLEET_QUEUE_PREFIX')
    .default(DEFAULT_QUEUE_PREFIX);
}

/** The router's gRPC port, for the router and local mode; no environment variable (the router adds its own). */
export function grpcPortOption(description: string): Option {
  return new Option('--grpc-port <port>', description).argParser(parseCount('--grpc-port', 0, 65535)).default(50051);
}

export function routerOptions(): Option[] {
  return [
    grpcPortOption('gRPC port of the AgentRouter service (0 = any free port)').env('SLM_FLEET_GRPC_PORT'),
    new Option('--namespace <name>', 'namespace whose AgentTasks and Specialists this router serves')
      .env('SLM_FLEET_NAMESPACE')
      .default('default'),
    new Option('--max-request-bytes <bytes>', 'largest request accepted; larger ones get RESOURCE_EXHAUSTED')
      .argParser(parseCount('--max-request-bytes', 1024, 64 * 1024 * 1024))
      .env('SLM_FLEET_MAX_REQUEST_BYTES')
      .default(1024 * 1024),
  ];
}

export function workerOptions(): Option[] {
  return [
    new Option('--specialist <namespace/name>', 'the Specialist this worker serves')
      .argParser(parseSpecialistRef('--specialist'))
      .env('SLM_FLEET_SPECIALIST')
      .makeOptionMandatory(),
    new Option('--queue <name>', "the Specialist's queue (default: derived from --specialist)")
      .argParser(parseQueueName('--queue'))
      .env('SLM_FLEET_QUEUE'),
    new Option('--concurrency <n>', 'calls run at once (what the engine batches well)')
      .argParser(parseCount('--concurrency', 1, 4096))
      .env('SLM_FLEET_CONCURRENCY')
      .default(8),
    new Option('--engine-url <url>', "the engine's OpenAI-compatible base URL")
      .env('SLM_FLEET_ENGINE_URL')
      .default('http://127.0.0.1:8000/v1'),
    new Option('--model <name>', 'model name to ask the engine for').env('SLM_FLEET_MODEL'),
    // The endpoint's budgets, shared by every worker of the Specialist's queue (see docs/engines.md).
    new Option('--endpoint-concurrency <n>', 'calls at once to the engine over all workers of the queue')
      .argParser(parseCount('--endpoint-concurrency', 1, 100_000))
      .env('SLM_FLEET_ENDPOINT_CONCURRENCY'),
    new Option('--requests-per-minute <n>', 'calls started per minute over all workers of the queue')
      .argParser(parseCount('--requests-per-minute', 1, 100_000_000))
      .env('SLM_FLEET_REQUESTS_PER_MINUTE'),
    new Option('--tokens-per-minute <n>', 'prompt and completion tokens per minute over all workers of the queue')
      .argParser(parseCount('--tokens-per-minute', 1, 1_000_000_000_000))
      .env('SLM_FLEET_TOKENS_PER_MINUTE'),
    new Option('--replica <name>', 'name of this replica in answers and logs (default: $POD_NAME or host:pid)').env(
      'POD_NAME',
    ),
    new Option('--drain-timeout <duration>', 'on SIGTERM, how long in-flight calls may take to finish')
      .argParser(parseDuration('--drain-timeout'))
      .env('SLM_FLEET_DRAIN_TIMEOUT')
      .default(30_000, '30s'),
    // Checked by the worker, not an argParser: commander would echo the value in its error.
    new Option(
      '--drain-token <token>',
      'bearer token GET /drain requires of every caller; unset: loopback callers only (use the variable: a flag shows in ps)',
    ).env('SLM_FLEET_DRAIN_TOKEN'),
  ];
}

export function engineSimOptions(): Option[] {
  return [
    new Option('--model <name>', 'model name the simulator serves').default(SIM.model),
    new Option('--adapters <names>', 'LoRA adapter names served besides --model, comma-separated').argParser(
      parseNames('--adapters'),
    ),
    new Option('--profile <name>', 'default, or large-model: slower, always on schema and confident')
      .choices(SIMULATOR_PROFILES)
      .default('default'),
    // No default here: the profile's latency applies unless these are given (see commands.ts).
    new Option('--ttft <duration>', 'time to first token (default: 0ms; 400ms with --profile large-model)').argParser(
      parseDuration('--ttft'),
    ),
    new Option('--tpot <duration>', 'time per output token (default: 0ms; 15ms with --profile large-model)').argParser(
      parseDuration('--tpot'),
    ),
    new Option('--max-batch <n>', 'requests generated at once; more wait')
      .argParser(parseCount('--max-batch', 1, 100000))
      .default(SIM.maxBatch),
    new Option('--batch-slowdown <fraction>', 'extra time per token for each other request in the batch')
      .argParser(parseFraction('--batch-slowdown'))
      .default(SIM.batchSlowdown),
    new Option('--output-tokens <n>', 'tokens per answer when max_tokens is not given')
      .argParser(parseCount('--output-tokens', 1, 1_000_000))
      .default(SIM.outputTokens),
    new Option('--error-rate <fraction>', 'share of requests answered with HTTP 500')
      .argParser(parseFraction('--error-rate'))
      .default(SIM.errorRate),
    new Option('--hang-rate <fraction>', 'share of requests that never answer')
      .argParser(parseFraction('--hang-rate'))
      .default(SIM.hangRate),
    new Option('--rate-limit-rate <fraction>', 'share of requests answered with HTTP 429 and a Retry-After')
      .argParser(parseFraction('--rate-limit-rate'))
      .default(SIM.rateLimitRate),
    new Option('--retry-after-seconds <n>', 'the Retry-After of those 429s, in whole seconds')
      .argParser(parseCount('--retry-after-seconds', 0, MAX_RETRY_AFTER_SECONDS))
      .default(SIM.retryAfterSeconds),
    new Option(
      '--off-schema-rate <fraction>',
      'share of answers that break the requested JSON schema or tool parameters',
    )
      .argParser(parseFraction('--off-schema-rate'))
      .default(SIM.offSchemaRate),
    new Option('--low-confidence-rate <fraction>', 'share of answers with logprobs far below normal (when asked for)')
      .argParser(parseFraction('--low-confidence-rate'))
      .default(SIM.lowConfidenceRate),
    new Option('--slow-start <duration>', 'time before the simulator reports ready (model loading)')
      .argParser(parseDuration('--slow-start'))
      .default(SIM.slowStart, `${SIM.slowStart}ms`),
    new Option('--seed <n>', 'seed of the fault draws').argParser(parseCount('--seed', 0, 2 ** 31)).default(SIM.seed),
    // Checked by the simulator, not an argParser: commander would echo the value in its error.
    new Option(
      '--faults-token <token>',
      'bearer token /sim/faults requires of every caller; unset: loopback callers only (the variable keeps it out of ps)',
    ).env('SLM_FLEET_SIM_FAULTS_TOKEN'),
    // The variable's name, not the key: the key stays out of ps.
    new Option(
      '--api-key-env <variable>',
      'environment variable holding the API key every /v1 request must send as a bearer token',
    ),
  ];
}

/** Parses a comma-separated list of names (no spaces). */
function parseNames(flag: string): (value: string) => string[] {
  return (value) => {
    const names = value.split(',');
    if (!names.every((name) => /^[^\s,]{1,200}$/.test(name))) {
      throw new InvalidArgumentError(`${flag} must be names separated by commas, got "${value}".`);
    }
    return names;
  };
}
