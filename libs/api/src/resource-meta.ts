import type { V1ObjectMeta } from '@kubernetes/client-node';

/** Metadata of a namespaced slm.dev object as read from the API server. */
export type ResourceMeta = V1ObjectMeta & { name: string; namespace: string };
