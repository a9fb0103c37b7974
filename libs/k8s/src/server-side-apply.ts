import {
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { ApiObject } from './resource.js';

/** An object whose status subresource can be applied. */
export type WithStatus = ApiObject & { status?: unknown };

/**
 * Server-side apply under one field manager, always with force: the operator owns the fields
 * it sets, and takes them back from anyone who changed them by hand (that is the drift a
 * reconcile heals). Fields it stops setting are removed, since it owned them.
 *
 * apply() returns what client-node's KubernetesObjectApi returns: model instances whose
 * metadata timestamps are Date objects (typed here as T all the same); applyStatus() returns
 * the API server's JSON as is.
 */
export class ServerSideApplier {
  private readonly objects: KubernetesObjectApi;
  private readonly customObjects: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    readonly fieldManager: string,
  ) {
    // makeApiClient on the class (not kubeConfig.makeApiClient) also takes the context's namespace.
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * Applies the full desired object (apiVersion, kind, metadata.name, and metadata.namespace
   * for namespaced kinds, else the kubeconfig context's namespace). Creates it if missing.
   */
  async apply<T extends ApiObject>(desired: T): Promise<T> {
    // KubernetesObjectApi.patch defaults to a strategic merge patch; SSA needs the
    // application/apply-patch+yaml content type (the JSON body is valid YAML) and the manager.
    const applied = await this.objects.patch(
      desired as KubernetesObject,
      undefined,
      undefined,
      this.fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
    return applied as unknown as T;
  }

  /**
   * Applies only the status of a custom resource, through its /status subresource (which
   * KubernetesObjectApi cannot address). `plural` is the resource's URL name. Other status
   * fields this manager set before and leaves out now are removed. Only apiVersion, kind,
   * name, namespace and status are sent: a resourceVersion would make the apply conditional.
   */
  async applyStatus<T extends WithStatus>(object: T, plural: string): Promise<T> {
    const { apiVersion, kind, metadata } = object;
    const name = metadata?.name;
    const [group, version] = apiVersion?.split('/') ?? [];
    if (!group || !version || !kind || !name) {
      throw new Error('applyStatus needs a custom resource with apiVersion group/version, kind and metadata.name');
    }
    const namespace = metadata.namespace;
    const body = { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, status: object.status };
    // The generated patch methods pick application/json-patch+json; a header middleware
    // overrides the Content-Type so the API server treats the body as an apply configuration.
    const asApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const request = { group, version, plural, name, body, fieldManager: this.fieldManager, force: true };
    const applied: unknown = namespace
      ? await this.customObjects.patchNamespacedCustomObjectStatus({ ...request, namespace }, asApply)
      : await this.customObjects.patchClusterCustomObjectStatus(request, asApply);
    return applied as T;
  }
}
