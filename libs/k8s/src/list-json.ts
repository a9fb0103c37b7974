import {
  ApiException,
  HttpMethod,
  ServerConfiguration,
  createConfiguration,
  type KubeConfig,
} from '@kubernetes/client-node';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A list response as the API server sends it (client-node's V1ListMeta renames `continue`). */
interface RawListPage<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** Page size of the initial list: bounds memory per response for large collections. */
const PAGE_LIMIT = 500;

/**
 * Lists a collection as plain JSON, following `continue` pages. The informer needs the list
 * items in the same shape as its watch events, which client-node hands over as parsed JSON;
 * the typed and generic list calls instead return model instances (timestamps as Date),
 * which would mix two shapes in one cache. So this goes through client-node's HTTP stack
 * (same TLS, auth and proxy settings) without its model deserializer.
 */
export async function listJson<T>(
  kubeConfig: KubeConfig,
  path: string,
  query: ListQuery = {},
): Promise<{ metadata: { resourceVersion: string }; items: T[] }> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const configuration = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}) });

  const items: T[] = [];
  let continueToken: string | undefined;
  let resourceVersion = '';
  do {
    const request = configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    request.setQueryParam('limit', String(PAGE_LIMIT));
    if (query.labelSelector) request.setQueryParam('labelSelector', query.labelSelector);
    if (query.fieldSelector) request.setQueryParam('fieldSelector', query.fieldSelector);
    if (continueToken) request.setQueryParam('continue', continueToken);
    await kubeConfig.applySecurityAuthentication(request);

    const response = await configuration.httpApi.send(request).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(response.httpStatusCode, `list ${path} failed`, text, response.headers);
    }
    const page = JSON.parse(text) as RawListPage<T>;
    items.push(...(page.items ?? []));
    // Every page of one list is a snapshot at the first page's resourceVersion.
    resourceVersion ||= page.metadata?.resourceVersion ?? '';
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);

  return { metadata: { resourceVersion }, items };
}
