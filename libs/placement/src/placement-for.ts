import type { V1NodeAffinity, V1NodeSelectorTerm, V1Toleration } from '@kubernetes/client-node';
import type { GpuProfile } from './gpu-profile.js';

/** Where a pod may run: the GPU resource it requests, the nodes it may use and prefers, the taints it tolerates. */
export interface Placement {
  resourceName: string;
  nodeAffinity?: V1NodeAffinity;
  tolerations: V1Toleration[];
}

/** Preferred-term weights must lie in 1..100; with more profiles than this, ties would be unavoidable. */
export const maxProfilesPerPlacement = 10;

/**
 * Placement for an ordered list of acceptable GPU profiles, first choice first. The fallback is
 * the scheduler's, not the operator's: the required node affinity accepts a node of any listed
 * profile (one term each, ORed), so a pod lands on the next profile whenever the earlier ones have
 * no room, and moves back with no operator state to keep.
 */
export function placementFor(profileNames: readonly string[], profiles: readonly GpuProfile[]): Placement {
  const chosen = chooseProfiles(profileNames, profiles);
  const resourceNames = [...new Set(chosen.map((profile) => profile.resourceName))];
  if (resourceNames.length > 1) {
    throw new Error(
      `GPU profiles ${profileNames.join(', ')} request different resources (${resourceNames.join(', ')}); ` +
        'a pod requests one GPU resource, so its acceptable profiles must share it.',
    );
  }
  const terms = chosen.map(nodeSelectorTerm);
  const weights = preferenceWeights(chosen.length);
  return {
    resourceName: resourceNames[0] ?? '',
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
      ...(chosen.length > 1
        ? {
            preferredDuringSchedulingIgnoredDuringExecution: terms.map((preference, index) => ({
              weight: weights[index] ?? 1,
              preference,
            })),
          }
        : {}),
    },
    tolerations: unionOfTolerations(chosen),
  };
}

function chooseProfiles(profileNames: readonly string[], profiles: readonly GpuProfile[]): GpuProfile[] {
  if (profileNames.length === 0) throw new Error('At least one GPU profile must be named.');
  if (profileNames.length > maxProfilesPerPlacement) {
    throw new Error(`At most ${maxProfilesPerPlacement} GPU profiles can be ranked, got ${profileNames.length}.`);
  }
  const duplicate = profileNames.find((name, index) => profileNames.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`GPU profile "${duplicate}" is listed twice.`);
  const byName = new Map(profiles.map((profile) => [profile.name, profile]));
  const unknown = profileNames.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    const known = profiles.map((profile) => profile.name).join(', ') || 'none';
    throw new Error(`Unknown GPU profile(s) ${unknown.map((name) => `"${name}"`).join(', ')}; configured: ${known}.`);
  }
  return profileNames.flatMap((name) => byName.get(name) ?? []);
}

/** One term per profile: all of its labels must match (expressions in a term are ANDed). */
function nodeSelectorTerm(profile: GpuProfile): V1NodeSelectorTerm {
  return {
    matchExpressions: Object.keys(profile.nodeSelector)
      .sort()
      .map((key) => ({ key, operator: 'In', values: [profile.nodeSelector[key] ?? ''] })),
  };
}

/**
 * Strictly decreasing weights from 100 to 1, spaced geometrically: 100, 1 for two profiles; 100,
 * 10, 1 for three; 100, 22, 5, 1 for four. They are far apart because the scheduler normalises
 * NodeAffinity's score to 0..100 against the best feasible node and adds it (times the plugin's
 * weight, 2 by default) to the other plugins' 0..100 scores: resource fit, balanced allocation,
 * image locality. With weights 100 and 90 a second-choice node would trail by only 10 of
 * NodeAffinity's 100 points and win whenever it is emptier or already holds the engine image; with
 * 100 and 10 it trails by 90, which those plugins' usual differences do not make up, so in practice
 * it is chosen only when no first-choice node has room.
 */
export function preferenceWeights(count: number): number[] {
  if (count <= 1) return [100];
  return Array.from({ length: count }, (_, index) => Math.round(100 ** ((count - 1 - index) / (count - 1))));
}

function unionOfTolerations(profiles: GpuProfile[]): V1Toleration[] {
  const seen = new Map<string, V1Toleration>();
  for (const toleration of profiles.flatMap((profile) => profile.tolerations)) {
    const key = JSON.stringify([
      toleration.key,
      toleration.operator,
      toleration.value,
      toleration.effect,
      toleration.tolerationSeconds,
    ]);
    if (!seen.has(key)) seen.set(key, { ...toleration });
  }
  return [...seen.values()];
}
