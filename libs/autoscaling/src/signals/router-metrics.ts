// The router's per-Specialist metrics, read from its Prometheus text exposition (GET /metrics).
// Pure: the operator fetches the text, these functions turn it into numbers.

/** What one router (or several, summed) reported for one Specialist at one scrape. */
export interface RouterSpecialistMetrics {
  /**
   * slm_fleet_router_specialist_calls_queued_total plus ..._calls_diverted_total: calls put on
   * the Specialist's queue, and calls meant for it that its task's fallback took because it had
   * no room (overflow): both are the demand its replicas are sized for.
   */
  callsQueued: number;
  /** slm_fleet_router_specialist_service_seconds_sum: seconds workers spent on answered calls. */
  serviceSecondsSum: number;
  /** slm_fleet_router_specialist_service_seconds_count: answered calls. */
  serviceCount: number;
  /** slm_fleet_router_specialist_queue_wait_seconds_sum: seconds answered calls waited queued. */
  queueWaitSecondsSum: number;
  /** slm_fleet_router_specialist_queue_wait_seconds_count: answered calls. */
  queueWaitCount: number;
  /** slm_fleet_router_specialist_queue_waiting: the queue depth the router last read, when it reported one. */
  waiting?: number;
}

/** One scrape, by Specialist (the `specialist` label's value). */
export type RouterScrape = Map<string, RouterSpecialistMetrics>;

/** The cumulative fields: counters, or a histogram's _sum and _count. */
export const ROUTER_COUNTER_FIELDS = [
  'callsQueued',
  'serviceSecondsSum',
  'serviceCount',
  'queueWaitSecondsSum',
  'queueWaitCount',
] as const;

export type RouterCounterField = (typeof ROUTER_COUNTER_FIELDS)[number];

const FIELD_BY_SAMPLE = new Map<string, RouterCounterField | 'waiting'>([
  ['slm_fleet_router_specialist_calls_queued_total', 'callsQueued'],
  ['slm_fleet_router_specialist_calls_diverted_total', 'callsQueued'],
  ['slm_fleet_router_specialist_service_seconds_sum', 'serviceSecondsSum'],
  ['slm_fleet_router_specialist_service_seconds_count', 'serviceCount'],
  ['slm_fleet_router_specialist_queue_wait_seconds_sum', 'queueWaitSecondsSum'],
  ['slm_fleet_router_specialist_queue_wait_seconds_count', 'queueWaitCount'],
  ['slm_fleet_router_specialist_queue_waiting', 'waiting'],
]);

/** A Specialist's entry with nothing counted yet. */
export function emptyRouterMetrics(): RouterSpecialistMetrics {
  return { callsQueued: 0, serviceSecondsSum: 0, serviceCount: 0, queueWaitSecondsSum: 0, queueWaitCount: 0 };
}

/**
 * Reads the per-Specialist autoscaling metrics from one router's Prometheus text exposition.
 * Comments (HELP, TYPE), blank lines, other metrics, histogram buckets and malformed lines are
 * skipped; labels may come in any order, values may hold escaped quotes, backslashes and
 * newlines. Samples without a `specialist` label, or with a value that is not a finite number,
 * are skipped. Samples of one metric and Specialist that differ in other labels are added up.
 * A Specialist is in the result when any of these metrics names it.
 */
export function parseRouterMetrics(text: string): RouterScrape {
  const out: RouterScrape = new Map();
  for (const line of text.split(/\r?\n/)) {
    const sample = parseSample(line);
    if (!sample) continue;
    const specialist = sample.labels.get('specialist');
    if (!specialist) continue;
    let entry = out.get(specialist);
    if (!entry) {
      entry = emptyRouterMetrics();
      out.set(specialist, entry);
    }
    entry[sample.field] = (entry[sample.field] ?? 0) + sample.value;
  }
  return out;
}

/**
 * Adds up the scrapes of several routers: counters, sums and counts are summed; the waiting
 * gauge is the largest any router reported (each reads the same queue), absent when none did.
 */
export function sumRouterScrapes(scrapes: readonly RouterScrape[]): RouterScrape {
  const out: RouterScrape = new Map();
  for (const scrape of scrapes) {
    for (const [specialist, metrics] of scrape) {
      let entry = out.get(specialist);
      if (!entry) {
        entry = emptyRouterMetrics();
        out.set(specialist, entry);
      }
      for (const field of ROUTER_COUNTER_FIELDS) entry[field] += metrics[field];
      if (metrics.waiting !== undefined) entry.waiting = Math.max(entry.waiting ?? 0, metrics.waiting);
    }
  }
  return out;
}

interface Sample {
  field: RouterCounterField | 'waiting';
  labels: Map<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** One sample line of a metric we read, or undefined for anything else. */
function parseSample(raw: string): Sample | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  const name = METRIC_NAME.exec(line)?.[0];
  const field = name === undefined ? undefined : FIELD_BY_SAMPLE.get(name);
  if (name === undefined || field === undefined) return undefined;
  let rest = line.slice(name.length).trimStart();
  const labels = new Map<string, string>();
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest, labels);
    if (parsed === undefined) return undefined;
    rest = rest.slice(parsed);
  }
  // The value, then an optional timestamp; at least one space after the name or labels.
  if (!/^\s/.test(rest)) return undefined;
  const [valueText] = rest.trim().split(/\s+/);
  const value = parseValue(valueText);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return { field, labels, value };
}

/** Parses `{a="x",b="y"}` at the start of text into labels; returns the length read, or undefined. */
function parseLabels(text: string, labels: Map<string, string>): number | undefined {
  let i = 1;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i += 1;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return i + 1;
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (name === undefined) return undefined;
    i += name.length;
    skipSpace();
    if (text[i] !== '=') return undefined;
    i += 1;
    skipSpace();
    if (text[i] !== '"') return undefined;
    i += 1;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined;
      i += 1;
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[i];
        if (escaped === undefined) return undefined;
        i += 1;
        value += escaped === 'n' ? '\n' : escaped;
      } else {
        value += c;
      }
    }
    labels.set(name, value);
    skipSpace();
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') return undefined;
  }
}

function parseValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
  }
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
