// Server-side apply through client-node 1.4: full objects with a field manager and force, and
// the status subresource of a custom resource.
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ServerSideApplier } from '@slm-fleet/k8s';
import { useSuiteEnv } from '@slm-fleet/testing';

const MANAGER = 'slm-fleet-test';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
}

describe('ServerSideApplier', () => {
  const env = useSuiteEnv('k8s-ssa');

  it('applies a ConfigMap, drops fields it stops setting, and takes back a hand edit', async () => {
    const applier = new ServerSideApplier(env().kubeConfig, MANAGER);
    const desired = (data: Record<string, string>): V1ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: env().namespace },
      data,
    });
    const read = () =>
      env()
        .kubeConfig.makeApiClient(CoreV1Api)
        .readNamespacedConfigMap({ name: 'applied', namespace: env().namespace });

    expect((await applier.apply(desired({ a: '1', b: '1' }))).data).toEqual({ a: '1', b: '1' });
    expect((await applier.apply(desired({ a: '2', c: '1' }))).data).toEqual({ a: '2', c: '1' });

    await env().kubectl(
      'patch',
      'configmap',
      'applied',
      '--type=merge',
      '--field-manager=someone-by-hand',
      '-p',
      '{"data":{"a":"edited","extra":"theirs"}}',
    );
    expect((await read()).data).toEqual({ a: 'edited', c: '1', extra: 'theirs' });

    await applier.apply(desired({ a: '2', c: '1' }));
    const healed = await read();
    // Our field is ours again; the field only they set stays theirs.
    expect(healed.data).toEqual({ a: '2', c: '1', extra: 'theirs' });
    const managers = (healed.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
    const ours = managers.find((entry) => entry.manager === MANAGER);
    const theirs = managers.find((entry) => entry.manager === 'someone-by-hand');
    expect(ours?.operation).toBe('Apply');
    expect(Object.keys((ours?.fieldsV1?.['f:data'] ?? {}) as object).sort()).toEqual(['f:a', 'f:c']);
    expect(Object.keys((theirs?.fieldsV1?.['f:data'] ?? {}) as object)).toEqual(['f:extra']);
  });

  it('applies the status of a custom resource through its status subresource', async () => {
    const group = `${env().namespace}.ssa.slm.dev`;
    await env().apply(
      JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', properties: { size: { type: 'integer' } } },
                    status: {
                      type: 'object',
                      properties: { phase: { type: 'string' }, replicas: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          ],
        },
      }),
    );
    try {
      await env().kubectl('wait', '--for=condition=Established', `crd/widgets.${group}`, '--timeout=60s');
      const applier = new ServerSideApplier(env().kubeConfig, MANAGER);
      const widget = {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'w', namespace: env().namespace },
        spec: { size: 3 },
      };
      // Status sent to the main resource is ignored when the status subresource is on.
      await applier.apply({ ...widget, status: { phase: 'ignored' } });
      await applier.applyStatus({ ...widget, status: { phase: 'Ready', replicas: 3 } }, 'widgets');
      const applied = await applier.applyStatus({ ...widget, status: { replicas: 2 } }, 'widgets');
      expect(applied.status).toEqual({ replicas: 2 });

      const stored = JSON.parse(
        await env().kubectl('get', `widgets.${group}`, 'w', '-o', 'json', '--show-managed-fields'),
      ) as {
        spec: unknown;
        status: unknown;
        metadata: { managedFields: ManagedFieldsEntry[] };
      };
      expect(stored.spec).toEqual({ size: 3 });
      expect(stored.status).toEqual({ replicas: 2 });
      const statusEntry = stored.metadata.managedFields.find((entry) => entry.subresource === 'status');
      expect(statusEntry?.manager).toBe(MANAGER);
      expect(statusEntry?.operation).toBe('Apply');
    } finally {
      await env().kubectl('delete', 'crd', `widgets.${group}`, '--wait=false');
    }
  });
});
