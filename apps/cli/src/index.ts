import { Command } from 'commander';
import { createJsonLogger, runUntilSignal, type RunningService } from '@slm-fleet/service';
import { serviceCommands } from './commands.js';
import { parseHost, parsePort } from './options.js';

interface ParsedOptions {
  host: string;
  httpPort: number;
}

export function buildProgram(): Command {
  const program = new Command('slm-fleet')
    .description('Serve fleets of small language model specialists to agent services.')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode));

  for (const command of serviceCommands) {
    program
      .command(command.name)
      .description(command.description)
      .option('--host <address>', 'address to bind the HTTP server to', parseHost, '127.0.0.1')
      .option(
        '--http-port <port>',
        'HTTP port for probes and APIs (0 = any free port)',
        parsePort('--http-port'),
        command.defaultHttpPort,
      )
      .action(async (options: ParsedOptions) => {
        const service = await command.start(options);
        runUntilSignal([service], service.logger);
      });
  }

  program
    .command('local')
    .description('run router, operator, worker and engine simulator together in one process')
    .option('--host <address>', 'address to bind the HTTP servers to', parseHost, '127.0.0.1')
    .option('--http-port <port>', "the router's HTTP port; the others take free ports", parsePort('--http-port'), 8080)
    .action(async (options: ParsedOptions) => {
      const started: RunningService[] = [];
      // Start order: engine first, then the worker on it, the operator, and the router last
      // (it is the front door, so it stops first).
      for (const name of ['engine-sim', 'worker', 'operator', 'router']) {
        const command = serviceCommands.find((c) => c.name === name);
        if (!command) throw new Error(`local: no service command named ${name}`);
        const httpPort = name === 'router' ? options.httpPort : 0;
        started.push(await command.start({ host: options.host, httpPort }));
      }
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
