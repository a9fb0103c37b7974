// Autoscaling policies replayed against arrival traces in a discrete-time simulator: ours
// (decideReplicas from @slm-fleet/autoscaling, every 5 s), KubeAI's (10-minute moving average
// of in-flight calls) and the HPA's (per-replica in-flight, default behavior), with the same
// calls, engines and pod start-up delay, against an oracle that knows the future; and, for
// reference, ours again with pods Ready at once (what the start-up delay alone costs); and
// ours with overflow: calls the Ready replicas cannot answer within the target go to a large
// model (the router's decision from @slm-fleet/routing), with each run's cost in dollars.
// No processes, no platform: pure TypeScript, seconds to run.
//
//   npm run bench:autoscaling [-- --seed 1] [--startup-seconds 60] [--latency-target-seconds 10]
//                             [--overflow-quantile 0.99] [--help]
//
// Results: stdout and bench/results/autoscaling-<timestamp>.json. See bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { againstSpecialistsOnly, costFigures, checkOverflow, PRICES, printCostTable } from './lib/autoscaling/cost.js';
import { DEFAULT_CONFIG, ratePerReplica, type SimConfig } from './lib/autoscaling/config.js';
import { hpaController } from './lib/autoscaling/hpa.js';
import { kubeAiController } from './lib/autoscaling/kubeai.js';
import { oracle } from './lib/autoscaling/oracle.js';
import { oursController } from './lib/autoscaling/ours.js';
import { LARGE_MODEL, overflowTier, SERVICE_TAIL_QUANTILE, TOKENS } from './lib/autoscaling/overflow.js';
import { checkTargets, printTable, summarise } from './lib/autoscaling/report.js';
import { simulate } from './lib/autoscaling/simulate.js';
import { burstsTrace, dailyTrace, drawCalls, spikeTrace, stepTrace } from './lib/autoscaling/traces.js';

/** bench/dist/autoscaling.js -> the repository. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: npm run bench:autoscaling [-- options]
  --seed N                    seed of the traces' arrivals, service times and bursts   default 1
  --startup-seconds S         from a replica asked for to Ready                        default ${DEFAULT_CONFIG.startupSeconds}
  --latency-target-seconds S  a call within this is within target                      default ${DEFAULT_CONFIG.latencyTargetSeconds}
  --overflow-quantile Q       overflow: percentile of recent service times for a call  default ${SERVICE_TAIL_QUANTILE}
                              (0: the mean only)`;

const OPTIONS = ['--seed', '--startup-seconds', '--latency-target-seconds', '--overflow-quantile'];

function parseOptions(argv: string[]): { seed: number; config: SimConfig; overflowQuantile: number } {
  const values = new Map<string, number>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = Number(argv[i + 1]);
    if (!OPTIONS.includes(arg) || !(value >= 0) || (arg === '--overflow-quantile' && !(value <= 1))) {
      console.error(`bad argument ${arg} ${argv[i + 1] ?? ''}\n${USAGE}`);
      process.exit(2);
    }
    values.set(arg, value);
    i++;
  }
  const latencyTargetSeconds = values.get('--latency-target-seconds') ?? DEFAULT_CONFIG.latencyTargetSeconds;
  return {
    seed: values.get('--seed') ?? 1,
    overflowQuantile: values.get('--overflow-quantile') ?? SERVICE_TAIL_QUANTILE,
    config: {
      ...DEFAULT_CONFIG,
      spec: { ...DEFAULT_CONFIG.spec, targetLatencyMs: latencyTargetSeconds * 1000 },
      startupSeconds: values.get('--startup-seconds') ?? DEFAULT_CONFIG.startupSeconds,
      latencyTargetSeconds,
    },
  };
}

async function main(): Promise<void> {
  const { seed, config, overflowQuantile } = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const perReplica = ratePerReplica(config);
  const traces = [stepTrace(perReplica), burstsTrace(perReplica, seed), dailyTrace(perReplica), spikeTrace(perReplica)];
  const { spec } = config;
  // The same policy with pods Ready at once: what the start-up delay costs, apart from the policy.
  const instant: SimConfig = { ...config, startupSeconds: 0 };
  console.log(
    `autoscaling simulator: maxConcurrency ${spec.maxConcurrency}, targetQueuePerReplica ${spec.targetQueuePerReplica},` +
      ` targetUtilisation ${spec.targetUtilisation}, replicas ${spec.minReplicas}-${spec.maxReplicas} (hpa 1-${spec.maxReplicas}),` +
      ` scale-down delay ${spec.scaleDownDelaySeconds} s; service lognormal mean ${config.serviceMeanSeconds} s sigma ${config.serviceSigma};` +
      ` pod start-up ${config.startupSeconds} s; latency target ${config.latencyTargetSeconds} s; seed ${seed}`,
  );
  const results = [];
  for (const [i, trace] of traces.entries()) {
    const calls = drawCalls(trace, seed * 1000 + i, config.serviceMeanSeconds, config.serviceSigma);
    const best = oracle(trace, config);
    const runs = [oursController, kubeAiController, hpaController].map((policy) =>
      simulate(trace, calls, policy(spec), config),
    );
    runs.push({ ...simulate(trace, calls, oursController(spec), instant), policy: 'ours@0s' });
    // Ours, with the router's overflow; a call that overflows at zero replicas asks for one, as
    // a queued call would (the autoscaler sizes by measured service times, and none come
    // without a replica).
    const withOverflow = { ...oursController(spec), name: 'overflow', scalesFromZeroOnArrival: true };
    runs.push(simulate(trace, calls, withOverflow, config, overflowTier(config, overflowQuantile)));
    const figures = runs.map((run) => summarise(run, trace, best, config, calls.arrivals));
    const costs = againstSpecialistsOnly(runs.map((run) => costFigures(run, calls, config)));
    const checks = checkTargets(
      figures[0]!,
      figures.find((f) => f.policy === 'hpa'),
    );
    const within = new Map(figures.map((f) => [f.policy, f.withinAfterWarmup]));
    const overflowChecks = checkOverflow(within, costs);
    console.log(`  ${trace.name}: ${trace.description}; ${calls.arrivals.length} calls`);
    results.push({
      trace,
      description: trace.description,
      oracle: best,
      figures,
      costs,
      checks,
      overflowChecks,
      within,
      runs: runs.map(({ latencies: _, overflowed: __, ...rest }) => rest),
    });
  }
  printTable(results, config);
  printCostTable(results, config, overflowQuantile);
  const seconds = (Date.now() - started) / 1000;
  const hours = traces.reduce((sum, t) => sum + t.durationSeconds, 0) / 3600;
  console.log(`simulated ${hours.toFixed(1)} h of traces x 5 runs in ${seconds.toFixed(1)} s`);

  const resultsDir = join(repoRoot, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const out = join(resultsDir, `autoscaling-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  const json = {
    benchmark: 'autoscaling',
    startedAt: new Date(started).toISOString(),
    seconds,
    seed,
    config,
    overflow: { serviceTailQuantile: overflowQuantile, prices: PRICES, tokens: TOKENS, largeModel: LARGE_MODEL },
    traces: results.map(({ trace, within: _, ...rest }) => ({
      name: trace.name,
      durationSeconds: trace.durationSeconds,
      ...rest,
      oracle: {
        gpuHoursAfterWarmup: rest.oracle.gpuSecondsAfterWarmup / 3600,
        replicasPerInterval: rest.oracle.replicas,
      },
    })),
  };
  await writeFile(out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`results: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
