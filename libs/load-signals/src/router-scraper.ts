import {
  counterDeltas,
  parseRouterMetrics,
  ratesOf,
  sumRouterScrapes,
  type RouterScrape,
  type SpecialistRates,
} from '@slm-fleet/autoscaling';

const SCRAPE_TIMEOUT_MS = 2_000;

export interface RouterRates {
  /** By Specialist (namespace/name); a Specialist no router counted is absent. */
  bySpecialist: Map<string, SpecialistRates>;
  /** False when no router gave two scrapes in a row: arrival rates are then unknown. */
  measured: boolean;
}

/**
 * Scrapes the routers' /metrics each interval and turns successive scrapes into per-Specialist
 * rates. Each router's counters are differenced on their own (so one router restarting is not
 * read as all of them resetting), then added up. A router seen for the first time, or again
 * after a failed scrape, only sets its baseline: its counters hold calls from before.
 */
export class RouterScraper {
  private previous = new Map<string, RouterScrape>();
  private previousAt: number | undefined;

  constructor(
    /** The routers to scrape now (a list, or a discovery that may take a request). */
    private readonly urls: () => readonly string[] | Promise<readonly string[]>,
    private readonly fetchText: (url: string) => Promise<string> = fetchMetrics,
  ) {}

  async scrape(now: number): Promise<RouterRates> {
    let urls: readonly string[];
    try {
      urls = await this.urls();
    } catch {
      urls = []; // discovery failed: no rates this interval, the policy sizes from the queues
    }
    const scrapes = await Promise.all(
      urls.map(async (url) => {
        try {
          return [url, parseRouterMetrics(await this.fetchText(url))] as const;
        } catch {
          return [url, undefined] as const; // this router's calls are missing from this interval
        }
      }),
    );
    const deltas: RouterScrape[] = [];
    const current = new Map<string, RouterScrape>();
    for (const [url, scrape] of scrapes) {
      if (!scrape) continue;
      current.set(url, scrape);
      const before = this.previous.get(url);
      if (before) deltas.push(counterDeltas(before, scrape));
    }
    const seconds = this.previousAt === undefined ? 0 : (now - this.previousAt) / 1000;
    this.previous = current;
    this.previousAt = now;
    if (deltas.length === 0 || !(seconds > 0)) return { bySpecialist: new Map(), measured: false };
    return { bySpecialist: ratesOf(sumRouterScrapes(deltas), seconds), measured: true };
  }
}

async function fetchMetrics(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}
