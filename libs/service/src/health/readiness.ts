import { Injectable } from '@nestjs/common';

export interface ReadinessCheck {
  /** Shown in /readyz output when the check fails, e.g. "redis". */
  name: string;
  /** Resolves when the dependency is usable; rejects with the reason otherwise. */
  check: () => Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/**
 * Readiness of a service: the checks its modules register, and whether it is draining.
 * A draining service reports not ready so load balancers stop sending it work.
 */
@Injectable()
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];
  private draining = false;

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  startDraining(): void {
    this.draining = true;
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    // Registration order, so the report reads the same every time.
    const checks: Record<string, string> = this.draining ? { shutdown: 'draining' } : {};
    for (const [name, state] of results) checks[name] = state;
    return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
  }
}
