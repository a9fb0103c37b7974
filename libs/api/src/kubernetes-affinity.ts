// placement.affinity as Kubernetes defines core/v1 Affinity, so the API server checks it field by
// field: a typo such as `nodeAfinity` is dropped (pruned) and reported by a strict apply, instead
// of kept and ignored as in an x-kubernetes-preserve-unknown-fields object.
import { Type, type TUnsafe } from '@sinclair/typebox';
import { AFFINITY_ROOT, affinityComponents } from './kubernetes-affinity.openapi.js';

type OpenApiNode = Record<string, unknown>;

/** Marks a node whose fields docs/crd-reference.md does not list (an embedded upstream type). */
export const EMBEDDED_TYPE_KEY = 'x-slm-fleet-embedded';

// What a CRD's structural schema takes of the upstream schema. Defaults are left out (the
// upstream `default: {}` of nested structs would add empty objects), and so are formats
// (int32 says nothing the API server checks, and local mode's Ajv would warn about it).
const KEPT = new Set([
  'type',
  'description',
  'required',
  'enum',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

/** Upstream descriptions end with the enum's values, which the schema has as `enum`. */
const tidy = (description: string): string => description.replace(/\n\nPossible enum values:[\s\S]*$/, '');

/**
 * The structural schema of `name` in `components` (an OpenAPI v3 `components.schemas`):
 * references inlined (a field's own description wins over its type's), nothing but
 * what a CRD schema allows.
 */
export function structuralSchema(components: Record<string, unknown>, name: string): OpenApiNode {
  const resolve = (node: OpenApiNode, seen: readonly string[]): OpenApiNode => {
    let base: OpenApiNode = {};
    const refs = [node, ...((node['allOf'] as OpenApiNode[] | undefined) ?? [])]
      .map((part) => part['$ref'])
      .filter((ref): ref is string => typeof ref === 'string');
    for (const ref of refs) {
      const target = ref.split('/').pop() ?? '';
      if (seen.includes(target)) throw new Error(`${target} refers to itself: not a structural schema`);
      const component = components[target];
      if (!component) throw new Error(`${target} is not among the vendored types`);
      base = { ...base, ...resolve(component as OpenApiNode, [...seen, target]) };
    }
    const out: OpenApiNode = { ...base };
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') {
        out['properties'] = Object.fromEntries(
          Object.entries(value as Record<string, OpenApiNode>).map(([field, sub]) => [field, resolve(sub, seen)]),
        );
      } else if (key === 'items' || key === 'additionalProperties') {
        out[key] = resolve(value as OpenApiNode, seen);
      } else if (key === 'description') {
        out[key] = tidy(value as string);
      } else if (KEPT.has(key)) {
        out[key] = value;
      }
    }
    return out;
  };
  return resolve({ $ref: `#/components/schemas/${name}` }, []);
}

/** core/v1 Affinity, from the vendored upstream schema. */
export function kubernetesAffinity(description: string): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({
    ...structuralSchema(affinityComponents, AFFINITY_ROOT),
    description,
    [EMBEDDED_TYPE_KEY]: 'core/v1 Affinity',
  });
}
