// The routers' /metrics URLs from the EndpointSlices of their headless Service: one URL per
// router pod, so each router's counters are differenced on their own (a Service URL would
// answer from a different router each scrape and mix their counters). Pure.

/** The fields of a discovery.k8s.io/v1 EndpointSlice read here. */
export interface EndpointSliceLike {
  addressType?: string;
  ports?: { name?: string; port?: number }[] | null;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null; terminating?: boolean | null } | null }[];
}

/**
 * `http://<address>:<port>/metrics` for every ready endpoint. `port` is the Service port's
 * name (its number comes from each slice) or a number. Terminating and not-ready routers are
 * left out; an FQDN slice is skipped.
 */
export function routerMetricsUrls(slices: readonly EndpointSliceLike[], port: string | number): string[] {
  const urls = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const number = typeof port === 'number' ? port : slice.ports?.find((p) => p.name === port)?.port;
    if (!number) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false || endpoint.conditions?.terminating === true) continue;
      for (const address of endpoint.addresses ?? []) {
        const host = address.includes(':') ? `[${address}]` : address;
        urls.add(`http://${host}:${number}/metrics`);
      }
    }
  }
  return [...urls].sort();
}
