import { API_VERSION, type Specialist } from '@slm-fleet/api';
import type { V1OwnerReference } from '@kubernetes/client-node';

export const SPECIALIST_LABEL = 'slm.dev/specialist';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'slm-fleet' } as const;

/** Labels that select a Specialist's pods (stable: a Deployment selector cannot change). */
export const selectorLabels = (specialist: Specialist): Record<string, string> => ({
  [SPECIALIST_LABEL]: specialist.metadata.name,
});

export const selectorString = (specialist: Specialist): string => `${SPECIALIST_LABEL}=${specialist.metadata.name}`;

export const commonLabels = (specialist: Specialist): Record<string, string> => ({
  'app.kubernetes.io/name': 'slm-specialist',
  'app.kubernetes.io/instance': specialist.metadata.name,
  'app.kubernetes.io/part-of': 'slm-fleet',
  ...MANAGED_BY,
  ...selectorLabels(specialist),
});

/** Children are owned by their Specialist, so deleting it deletes them (garbage collector). */
export function ownerReference(specialist: Specialist): V1OwnerReference {
  if (!specialist.metadata.uid) throw new Error(`Specialist ${specialist.metadata.name} has no uid yet`);
  return {
    apiVersion: API_VERSION,
    kind: 'Specialist',
    name: specialist.metadata.name,
    uid: specialist.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
