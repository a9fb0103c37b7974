import { describe, expect, it } from 'vitest';
import { EMBEDDED_TYPE_KEY, kubernetesAffinity, structuralSchema } from './kubernetes-affinity.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node>; items?: Node };

/** Every key used anywhere in a schema (property names excluded). */
function keysOf(node: Node, out = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') for (const child of Object.values(value as Record<string, Node>)) keysOf(child, out);
    else {
      out.add(key);
      if (value && typeof value === 'object' && !Array.isArray(value)) keysOf(value as Node, out);
    }
  }
  return out;
}

describe('structuralSchema', () => {
  const components = {
    Outer: {
      description: 'Outer type.',
      type: 'object',
      properties: {
        inner: { description: 'The field says this.', default: {}, allOf: [{ $ref: '#/components/schemas/Inner' }] },
        list: { type: 'array', items: { $ref: '#/components/schemas/Inner' }, 'x-kubernetes-list-type': 'atomic' },
      },
    },
    Inner: {
      description: 'Inner type.',
      type: 'object',
      required: ['op'],
      properties: {
        op: {
          type: 'string',
          default: '',
          enum: ['In', 'NotIn'],
          description: 'An operator.\n\nPossible enum values:\n - `"In"`\n - `"NotIn"`',
        },
        weight: { type: 'integer', format: 'int32' },
      },
    },
    Loop: { type: 'object', properties: { again: { $ref: '#/components/schemas/Loop' } } },
  };

  it('inlines references, the field description winning, and keeps only what a CRD takes', () => {
    expect(structuralSchema(components, 'Outer')).toEqual({
      description: 'Outer type.',
      type: 'object',
      properties: {
        inner: {
          description: 'The field says this.',
          type: 'object',
          required: ['op'],
          properties: {
            op: { type: 'string', enum: ['In', 'NotIn'], description: 'An operator.' },
            weight: { type: 'integer' },
          },
        },
        list: {
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
          items: expect.objectContaining({ description: 'Inner type.', required: ['op'] }),
        },
      },
    });
  });

  it('refuses a type that contains itself (no structural schema has one)', () => {
    expect(() => structuralSchema(components, 'Loop')).toThrow(/Loop refers to itself/);
  });
});

describe('kubernetesAffinity', () => {
  const affinity = kubernetesAffinity('The pods’ affinity.') as unknown as Node;

  it('is core/v1 Affinity with its three fields and no free-form part', () => {
    expect(Object.keys(affinity.properties ?? {}).sort()).toEqual(['nodeAffinity', 'podAffinity', 'podAntiAffinity']);
    const keys = keysOf(affinity);
    for (const gone of ['$ref', 'allOf', 'default', 'format', 'x-kubernetes-preserve-unknown-fields']) {
      expect(keys.has(gone), gone).toBe(false);
    }
    expect(affinity[EMBEDDED_TYPE_KEY]).toBe('core/v1 Affinity');
  });

  it('keeps what Kubernetes requires and the operators it knows', () => {
    const term =
      affinity.properties!['nodeAffinity']!.properties!['requiredDuringSchedulingIgnoredDuringExecution']!.properties![
        'nodeSelectorTerms'
      ]!.items!;
    const requirement = term.properties!['matchExpressions']!.items!;
    expect(requirement['required']).toEqual(['key', 'operator']);
    expect(requirement.properties!['operator']!['enum']).toEqual(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn']);
  });
});
