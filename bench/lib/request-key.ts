// One name for an API request, the same whether read from the client side (method, path,
// Content-Type) or from the API server's apiserver_request_total labels, so the two can be
// compared: "VERB group/resource/subresource", e.g. "APPLY apps/deployments",
// "LIST pods", "APPLY slm.dev/specialists/status". Non-resource requests: "GET /metrics".

const name = (verb: string, group: string, resource: string, subresource: string): string =>
  `${verb} ${[group, resource, subresource].filter(Boolean).join('/')}`;

/** The key of a request as a client sends it. */
export function requestKey(method: string, pathAndQuery: string, contentType = ''): string {
  const [path = '', query = ''] = pathAndQuery.split('?');
  const segments = path.split('/').filter(Boolean);
  let index: number;
  let group: string;
  if (segments[0] === 'api' && segments.length > 2) [index, group] = [2, ''];
  else if (segments[0] === 'apis' && segments.length > 3) [index, group] = [3, segments[1] ?? ''];
  else return `${method.toUpperCase()} ${path}`;
  if (segments[index] === 'namespaces' && segments.length > index + 2) index += 2;
  const resource = segments[index] ?? '';
  const objectName = segments[index + 1];
  const subresource = segments[index + 2] ?? '';
  const params = new URLSearchParams(query);
  const watch = params.get('watch') === 'true' || params.get('watch') === '1';
  let verb = method.toUpperCase();
  if (verb === 'GET') verb = watch ? 'WATCH' : objectName === undefined ? 'LIST' : 'GET';
  else if (verb === 'PATCH' && contentType.includes('apply-patch')) verb = 'APPLY';
  else if (verb === 'DELETE' && objectName === undefined) verb = 'DELETECOLLECTION';
  return name(verb, group, resource, subresource);
}

/** The key of an apiserver_request_total series. */
export function metricKey(labels: Record<string, string>): string {
  const { verb = '', group = '', resource = '', subresource = '' } = labels;
  if (!resource) return `${verb} ${subresource.startsWith('/') ? subresource : `/${subresource}`}`;
  return name(verb, group, resource, subresource);
}

export const isResourceKey = (key: string): boolean => !key.includes(' /');

export type Counts = Record<string, number>;

export function addCounts(into: Counts, key: string, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}

/** b - a per key, zero and negative differences left out. */
export function diffCounts(after: Counts, before: Counts): Counts {
  const diff: Counts = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) diff[key] = d;
  }
  return diff;
}

export const sumCounts = (counts: Counts, filter: (key: string) => boolean = () => true): number =>
  Object.entries(counts).reduce((sum, [key, value]) => (filter(key) ? sum + value : sum), 0);

/** Only the resource requests (no discovery, /metrics, /readyz). */
export const resourceOnly = (counts: Counts): Counts =>
  Object.fromEntries(Object.entries(counts).filter(([key]) => isResourceKey(key)));
