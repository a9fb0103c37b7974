import { Command, Option } from 'commander';
import { runUntilSignal } from '@slm-fleet/service';
import { serviceCommands, type Needs, type ServeOptions } from './commands.js';
import { checkRedisUrl, parseHost, parsePort } from './options.js';
import { queuePrefixOption } from './service-options.js';
import { localOptions, type LocalCommandOptions } from './local-options.js';

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
    .description(
      'run slm-fleet on this machine without Kubernetes: Specialists from YAML files, worker processes scaled by the autoscaler, a demo workload',
    )
    .option('--host <address>', 'address to bind the router to', parseHost, '127.0.0.1')
    .option('--http-port <port>', "the router's HTTP port (OpenAI API, metrics)", parsePort('--http-port'), 8080);
  // No --redis-cluster: local mode connects to one Redis node.
  for (const option of [queuePrefixOption(), ...localOptions()]) local.addOption(option);
  local.addOption(
    new Option('--redis-url <url>', 'Redis to use (default: start a redis-server on a free loopback port)').env(
      'REDIS_URL',
    ),
  );
  local.action(async (options: LocalCommandOptions) => {
    if (options.redisUrl) checkRedisUrl(options.redisUrl, local.getOptionValueSource('redisUrl'));
    const { startLocal } = await import('@slm-fleet/local');
    const { services, logger } = await startLocal({
      ...options,
      cliPath: process.argv[1] ?? 'slm-fleet',
    });
    runUntilSignal(services, logger);
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
