import type { FixedRoutingSource } from '@slm-fleet/router';
import type { DemoWorkload } from './demo-workload.js';
import type { LocalAutoscaler } from './local-autoscaler.js';
import type { LocalFleet } from './local-fleet.js';
import { renderLiveView, type LargeModelLine, type LiveRow } from './live-view.js';

const REFRESH_MS = 1000;
const KEEP_SCALINGS = 6;

/**
 * Redraws the live view every second: on a terminal in place, otherwise (piped, CI) a new
 * table every 10 s so a log stays readable.
 */
export class LiveView {
  private timer: NodeJS.Timeout | undefined;
  private readonly scalings: string[] = [];
  private ticks = 0;

  constructor(
    private readonly demo: DemoWorkload,
    private readonly fleet: LocalFleet,
    private readonly autoscaler: LocalAutoscaler,
    private readonly routing: FixedRoutingSource,
    /** The openai Specialists (namespace/name) and how each is served (describeLargeModelEngine). */
    private readonly largeModels: readonly { key: string; engine: string }[] = [],
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  noteScaling(line: string): void {
    this.scalings.push(`${new Date().toISOString().slice(11, 19)} ${line}`);
    if (this.scalings.length > KEEP_SCALINGS) this.scalings.shift();
  }

  private draw(): void {
    const tty = process.stdout.isTTY;
    if (!tty && this.ticks++ % 10 !== 0) return;
    const rows: LiveRow[] = this.demo.figures().map((figures) => {
      const specialist = this.routing.current().get(figures.task)?.routes[0]?.specialist ?? '?';
      const counts = this.fleet.countsOf(specialist);
      return {
        ...figures,
        specialist: specialist.split('/')[1] ?? specialist,
        waiting: this.autoscaler.waitingOf(specialist),
        replicasReady: counts.ready,
        replicasAsked: counts.asked,
      };
    });
    const largeModels: LargeModelLine[] = this.largeModels.map(({ key, engine }) => {
      const counts = this.fleet.countsOf(key);
      return {
        specialist: key.split('/')[1] ?? key,
        engine,
        waiting: this.autoscaler.waitingOf(key),
        replicasReady: counts.ready,
        replicasAsked: counts.asked,
      };
    });
    const text = renderLiveView(rows, this.scalings, largeModels);
    process.stdout.write(tty ? `\x1b[2J\x1b[H${text}\n` : `${text}\n\n`);
  }
}
