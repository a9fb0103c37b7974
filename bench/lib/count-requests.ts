// Preloaded into the operator (node --import) by the benchmark: counts every HTTPS request the
// process sends, by request key, and writes the counts as JSON to $SLM_FLEET_BENCH_REQUESTS_FILE
// when the process exits. The API server's own metrics cannot tell clients apart; this can.
// client-node sends everything (lists, watches, applies, leases, events) through node-fetch,
// which looks up https.request at each call, so replacing it here sees every request.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { addCounts, requestKey, type Counts } from './request-key.js';

type RequestFn = (...args: unknown[]) => unknown;
interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[] | undefined>;
}

const out = process.env['SLM_FLEET_BENCH_REQUESTS_FILE'];
if (out) {
  const https = createRequire(import.meta.url)('node:https') as { request: RequestFn };
  const counts: Counts = {};
  const original = https.request;
  const header = (headers: RequestOptions['headers'], name: string): string => {
    const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
    return ([entry?.[1] ?? ''] as (string | string[])[]).flat().join(',');
  };
  https.request = function (this: unknown, ...args: unknown[]): unknown {
    try {
      const [first, second] = args;
      const url = typeof first === 'string' || first instanceof URL ? new URL(first) : undefined;
      const options = ((url ? second : first) ?? {}) as RequestOptions;
      const path = options.path ?? (url ? url.pathname + url.search : '/');
      addCounts(counts, requestKey(options.method ?? 'GET', path, header(options.headers, 'content-type')));
    } catch {
      // counting must never break a request
    }
    return original.apply(this, args);
  };
  process.on('exit', () => writeFileSync(out, JSON.stringify(counts)));
}
