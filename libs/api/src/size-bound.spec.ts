// etcd stores an object whole and refuses one over 1.5 MiB with an error that names no field.
// Every field of a Specialist's spec is bounded (maxLength, maxItems, maxProperties, or a CEL
// rule on a list's total), so an object the API server admits fits with room for metadata
// and status. The bound here is the longest JSON the schema allows, in characters.
import { describe, expect, it } from 'vitest';
import { buildCrd, resourceDefinitions } from './crd.js';

type Node = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node;
  enum?: string[];
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  'x-kubernetes-validations'?: { rule: string }[];
};

/** A CEL rule `self.map(x, size(x.field)).sum() <= N` on a list: the field's total is N. */
const TOTAL_RULE = /^self\.map\((\w+), size\(\1(?:\.(\w+))?\)\)\.sum\(\) <= (\d+)$/;
/** Label keys (labelMap): at most 317 characters, by a CEL rule. */
const MAP_KEY = 317;

/** The longest JSON text `node` admits; paths in `skip` count as nothing, unbounded ones throw. */
function maxJson(node: Node, path: string, skip: readonly string[], zeroed?: string): number {
  if (skip.includes(path)) return 0;
  if (node['x-kubernetes-int-or-string']) return Math.max(20, (node.maxLength ?? Infinity) + 2);
  if (node.enum) return Math.max(...node.enum.map((v) => v.length + 2));
  switch (node.type) {
    case 'string':
      if (zeroed === '') return 2;
      if (node.maxLength === undefined) throw new Error(`${path} has no maxLength`);
      return node.maxLength + 2;
    case 'integer':
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'array': {
      if (node.maxItems === undefined || !node.items) throw new Error(`${path} has no maxItems`);
      const total = (node['x-kubernetes-validations'] ?? []).map((r) => TOTAL_RULE.exec(r.rule)).find(Boolean);
      if (total) {
        const item = maxJson(node.items, `${path}[]`, skip, total[2] ?? '');
        return 2 + node.maxItems * (item + 1) + Number(total[3]);
      }
      return 2 + node.maxItems * (maxJson(node.items, `${path}[]`, skip) + 1);
    }
    case 'object': {
      if (node.properties) {
        return (
          2 +
          Object.entries(node.properties).reduce(
            (sum, [key, child]) =>
              sum + key.length + 4 + maxJson(child, `${path}.${key}`, skip, zeroed === key ? '' : undefined),
            0,
          )
        );
      }
      if (node.additionalProperties) {
        if (node.maxProperties === undefined) throw new Error(`${path} has no maxProperties`);
        return 2 + node.maxProperties * (MAP_KEY + 4 + maxJson(node.additionalProperties, `${path}{}`, skip));
      }
      throw new Error(`${path} is free-form`);
    }
    default:
      throw new Error(`${path} has no type`);
  }
}

const specOf = (kind: string): Node => {
  const def = resourceDefinitions.find((d) => d.kind === kind)!;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (buildCrd(def) as any).spec.versions[0].schema.openAPIV3Schema.properties.spec as Node;
};

describe('the largest Specialist the API server admits', () => {
  // placement.affinity is core/v1 Affinity as Kubernetes defines it, unbounded there as in a Pod.
  const skip = ['spec.placement.affinity'];

  it('is bounded in every field but the upstream affinity', () => {
    expect(() => maxJson(specOf('Specialist'), 'spec', skip)).not.toThrow();
  });

  it('keeps its spec under 512 KiB, a third of what etcd stores', () => {
    const bound = maxJson(specOf('Specialist'), 'spec', skip);
    expect(bound).toBeLessThan(512 * 1024);
  });

  it('caps engine.env values and engine.args in total, not only each one', () => {
    const engine = specOf('Specialist').properties!['engine']!;
    const env = engine.properties!['env']!;
    const args = engine.properties!['args']!;
    // 64 values of 32 KiB would be 2 MiB: more than etcd stores.
    expect(env.maxItems! * env.items!.properties!['value']!.maxLength!).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(env['x-kubernetes-validations']?.map((r) => r.rule)).toContain('self.map(e, size(e.value)).sum() <= 65536');
    expect(args['x-kubernetes-validations']?.map((r) => r.rule)).toContain('self.map(a, size(a)).sum() <= 65536');
  });
});
