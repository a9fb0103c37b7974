// Steps that undo a benchmark's set-up, run once in reverse order: at the end, on failure,
// and on Ctrl-C or SIGTERM (then the process exits 130 or 143).

export interface CleanUp {
  /** Adds a step; steps run last-added first. */
  add: (step: () => Promise<void>) => void;
  /** Runs every step once (later calls get the same promise); a failing step is logged, the rest still run. */
  run: () => Promise<void>;
  /** Whether a signal started the clean-up (its failure is not worth reporting). */
  interrupted: () => boolean;
}

export function cleanUpOnSignals(what: string, log: (message: string) => void): CleanUp {
  const steps: (() => Promise<void>)[] = [];
  let running: Promise<void> | undefined;
  let interrupted = false;
  const run = (): Promise<void> => {
    running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          log(`clean-up step failed: ${(error as Error).message}`);
        }
      }
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping ${what}`);
      void run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  return { add: (step) => steps.push(step), run, interrupted: () => interrupted };
}

/** Runs a benchmark's main, cleans up either way, and exits 0 or 1 (reporting the failure). */
export function runThenCleanUp(main: () => Promise<void>, cleanUp: CleanUp): void {
  main().then(
    async () => {
      await cleanUp.run();
      process.exit(0);
    },
    async (error: unknown) => {
      if (!cleanUp.interrupted()) console.error(`[bench] FAILED: ${(error as Error).message ?? String(error)}`);
      await cleanUp.run();
      process.exit(1);
    },
  );
}
