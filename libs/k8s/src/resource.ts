/**
 * An object as the API server sends it in JSON, reduced to what this runtime reads. Unlike
 * client-node's KubernetesObject (whose metadata is the V1ObjectMeta model, timestamps as
 * Date), it accepts plain JSON types such as the operator's own CRD types, whose timestamps
 * are strings; client-node's models satisfy it too.
 */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; generation?: number };
}

/** A REST resource: `group` is '' for the core API (`/api/v1`). */
export interface ResourceRef {
  group: string;
  version: string;
  /** The lower-case plural in the URL, such as `configmaps` or `specialists`. */
  plural: string;
}

/** The collection URL path, in one namespace or (namespace undefined) across all of them. */
export function collectionPath(resource: ResourceRef, namespace?: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${root}${scope}/${resource.plural}`;
}

/** The cache and work-queue key of an object: `namespace/name`, or `name` if cluster-scoped. */
export function objectKey(object: ApiObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by objectKey. */
export function parseObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
