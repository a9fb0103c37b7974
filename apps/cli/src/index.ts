import { Command, Option } from 'commander';
import { createJsonLogger, runUntilSignal, type RunningService } from '@slm-fleet/service';
import { serviceCommands, type Needs, type ServeOptions } from './commands.js';
import { checkRedisUrl, parseHost, parsePort } from './options.js';
import { engineSimOptions, queueOptions, routerOptions, workerOptions } from './service-options.js';

/** The default values of a list of flags, keyed as commander keys parsed options. */
function defaultsOf(options: Option[]): ServeOptions {
  return Object.fromEntries(options.map((o) => [o.attributeName(), o.defaultValue])) as unknown as ServeOptions;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Adds the connection flags a service needs; each falls back to its environment variable. */
function addConnectionOptions(command: Command, needs: Needs[]): Command {
  if (needs.includes('redis')) {
    command.addOption(
      new Option('--redis-url <url>', 'Redis holding the queues (redis://[user:password@]host:port[/db])')
        .env('REDIS_URL')
        .default(DEFAULT_REDIS_URL),
    );
  }
  if (needs.includes('kube')) {
    command.addOption(
      new Option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)'),
    );
  }
  return command;
}

export function buildProgram(): Command {
  const program = new Command('slm-fleet')
    .description('Serve fleets of small language model specialists to agent services.')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode));

  for (const service of serviceCommands) {
    const command = program
      .command(service.name)
      .description(service.description)
      .option('--host <address>', 'address to bind the HTTP server to', parseHost, '127.0.0.1')
      .option(
        '--http-port <port>',
        'HTTP port for probes and APIs (0 = any free port)',
        parsePort('--http-port'),
        service.defaultHttpPort,
      );
    for (const option of service.options()) command.addOption(option);
    addConnectionOptions(command, service.needs).action(async (options: ServeOptions) => {
      if (service.needs.includes('redis')) checkRedisUrl(options.redisUrl, command.getOptionValueSource('redisUrl'));
      const running = await service.start(options);
      runUntilSignal([running], running.logger);
    });
  }

  const local = program
    .command('local')
    .description('run router, operator, worker and engine simulator together in one process')
    .option('--host <address>', 'address to bind the HTTP servers to', parseHost, '127.0.0.1')
    .option('--http-port <port>', "the router's HTTP port; the others take free ports", parsePort('--http-port'), 8080);
  for (const option of [...queueOptions(), ...routerOptions()]) local.addOption(option);
  local.addOption(
    new Option('--specialist <namespace/name>', 'the Specialist the local worker serves').default(
      'demo/invoice-extractor',
    ),
  );
  local.addOption(new Option('--config <path>', 'operator configuration').env('SLM_FLEET_OPERATOR_CONFIG'));
  addConnectionOptions(local, ['redis', 'kube']).action(async (options: ServeOptions) => {
    checkRedisUrl(options.redisUrl, local.getOptionValueSource('redisUrl'));
    const simulator = defaultsOf(engineSimOptions());
    const start = (name: string, overrides: Partial<ServeOptions>): Promise<RunningService> => {
      const service = serviceCommands.find((c) => c.name === name);
      if (!service) throw new Error(`local: no service command named ${name}`);
      return service.start({ ...simulator, ...defaultsOf(workerOptions()), ...options, httpPort: 0, ...overrides });
    };
    // Start order: engine first, then the worker on it, the operator, and the router last
    // (it is the front door, so it stops first).
    const engine = await start('engine-sim', {});
    const started = [
      engine,
      await start('worker', { engineUrl: `http://127.0.0.1:${engine.port}/v1`, model: simulator.model }),
      await start('operator', {}),
      // The router serves the worker's namespace unless told otherwise.
      await start('router', {
        httpPort: options.httpPort,
        ...(local.getOptionValueSource('namespace') === 'default'
          ? { namespace: options.specialist.split('/')[0] ?? options.namespace }
          : {}),
      }),
    ];
    runUntilSignal(started, createJsonLogger('local'));
  });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // Start-up failures (a port in use, a bad kubeconfig) end the process with one clear line.
    process.stderr.write(`slm-fleet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
