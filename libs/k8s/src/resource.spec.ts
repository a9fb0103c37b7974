import { describe, expect, it } from 'vitest';
import { collectionPath, objectKey, parseObjectKey } from './resource.js';

describe('collectionPath', () => {
  it.each([
    {
      resource: { group: '', version: 'v1', plural: 'configmaps' },
      namespace: 'ns',
      path: '/api/v1/namespaces/ns/configmaps',
    },
    { resource: { group: '', version: 'v1', plural: 'configmaps' }, namespace: undefined, path: '/api/v1/configmaps' },
    {
      resource: { group: 'slm.dev', version: 'v1alpha1', plural: 'specialists' },
      namespace: 'team-a',
      path: '/apis/slm.dev/v1alpha1/namespaces/team-a/specialists',
    },
    {
      resource: { group: 'slm.dev', version: 'v1alpha1', plural: 'specialists' },
      namespace: undefined,
      path: '/apis/slm.dev/v1alpha1/specialists',
    },
  ])('$path', ({ resource, namespace, path }) => {
    expect(collectionPath(resource, namespace)).toBe(path);
  });
});

describe('objectKey', () => {
  it('is namespace/name for namespaced objects and name for cluster-scoped ones, and parses back', () => {
    expect(objectKey({ metadata: { namespace: 'ns', name: 'a' } })).toBe('ns/a');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(parseObjectKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(parseObjectKey('node-1')).toEqual({ name: 'node-1' });
  });
});
