// The informer against the real API server: it lists, follows changes, survives a broken
// connection (client-node's own ListWatch would stop for good), and resyncs.
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer, type InformerEvent, type InformerOptions } from '@slm-fleet/k8s';
import { eventually, useSuiteEnv } from '@slm-fleet/testing';
import { CapturingLogger, CuttableProxy, apiServerAddress } from './helpers.js';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps' };

describe('Informer', () => {
  const env = useSuiteEnv('k8s-informer');
  const core = (): CoreV1Api => env().kubeConfig.makeApiClient(CoreV1Api);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  function startInformer(options: Partial<InformerOptions> = {}) {
    const logger = new CapturingLogger();
    const informer = new Informer<V1ConfigMap>({
      kubeConfig: env().kubeConfig,
      resource: CONFIGMAPS,
      namespaces: [env().namespace],
      logger,
      ...options,
    });
    const events: InformerEvent<V1ConfigMap>[] = [];
    informer.on((event) => events.push(event));
    informer.start();
    stops.push(() => informer.stop());
    const eventsFor = (name: string): string[] =>
      events.filter((event) => event.object.metadata?.name === name).map((event) => event.type);
    return { informer, events, eventsFor, logger };
  }

  const createConfigMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) =>
    core().createNamespacedConfigMap({ namespace: env().namespace, body: { metadata: { name, labels }, data } });
  const updateConfigMap = (name: string, data: Record<string, string>) =>
    core().patchNamespacedConfigMap({
      name,
      namespace: env().namespace,
      body: [{ op: 'replace', path: '/data', value: data }],
    });
  const deleteConfigMap = (name: string) => core().deleteNamespacedConfigMap({ name, namespace: env().namespace });

  it('lists what exists, reports synced, then follows create, update and delete', async () => {
    await createConfigMap('existing', { v: '1' });
    const { informer, eventsFor, events } = startInformer();
    const key = (name: string): string => `${env().namespace}/${name}`;

    await eventually(async () => expect(informer.hasSynced()).toBe(true));
    expect(informer.get(key('existing'))?.data).toEqual({ v: '1' });
    expect(eventsFor('existing')).toEqual(['added']);

    await createConfigMap('followed', { v: '1' });
    await eventually(async () => expect(informer.get(key('followed'))?.data).toEqual({ v: '1' }));

    await updateConfigMap('followed', { v: '2' });
    await eventually(async () => expect(informer.get(key('followed'))?.data).toEqual({ v: '2' }));
    const update = events.find((event) => event.type === 'updated' && event.object.metadata?.name === 'followed');
    expect(update?.previous?.data).toEqual({ v: '1' });

    await deleteConfigMap('followed');
    await eventually(async () => expect(informer.get(key('followed'))).toBeUndefined());
    expect(eventsFor('followed')).toEqual(['added', 'updated', 'deleted']);
    // Objects reach the cache as the API server sent them: timestamps stay strings.
    expect(typeof informer.get(key('existing'))?.metadata?.creationTimestamp).toBe('string');
  });

  it('watches all namespaces, narrowed by a label selector', async () => {
    const label = { 'informer-test': env().namespace };
    const { informer } = startInformer({ namespaces: undefined, labelSelector: `informer-test=${env().namespace}` });
    await eventually(async () => expect(informer.hasSynced()).toBe(true));

    await createConfigMap('unlabelled', { v: '1' });
    await createConfigMap('labelled', { v: '1' }, label);
    await eventually(async () => expect(informer.get(`${env().namespace}/labelled`)).toBeDefined());
    // Watch events arrive in resourceVersion order, so the unlabelled one would be here by now.
    expect(informer.list().map((object) => object.metadata?.name)).toEqual(['labelled']);
  });

  it('restarts after its connection breaks and catches up on what changed meanwhile', async () => {
    const proxy = await CuttableProxy.start(apiServerAddress(env().kubeConfig));
    stops.push(() => proxy.close());
    const { informer, eventsFor, logger } = startInformer({
      kubeConfig: proxy.kubeConfigThrough(env().kubeConfig),
      restartBackoff: { baseMs: 200, capMs: 1_000 },
    });
    const key = (name: string): string => `${env().namespace}/${name}`;
    await createConfigMap('before-cut', { v: '1' });
    await createConfigMap('deleted-during-cut', { v: '1' });
    await eventually(async () => expect(informer.get(key('deleted-during-cut'))).toBeDefined());

    await proxy.cut();
    // client-node's ListWatch reports the refused connection and stops; the informer restarts
    // it, is refused again while the proxy is down, and keeps retrying with backoff.
    await eventually(async () => expect(informer.restarts).toBeGreaterThanOrEqual(2));
    expect(logger.messages('warn')).toContain('list/watch failed; restarting');

    await createConfigMap('created-during-cut', { v: '1' });
    await updateConfigMap('before-cut', { v: '2' });
    await deleteConfigMap('deleted-during-cut');
    await proxy.restore();

    await eventually(async () => {
      expect(informer.get(key('created-during-cut'))).toBeDefined();
      expect(informer.get(key('before-cut'))?.data).toEqual({ v: '2' });
      expect(informer.get(key('deleted-during-cut'))).toBeUndefined();
    });
    expect(eventsFor('deleted-during-cut')).toEqual(['added', 'deleted']);

    // And it keeps watching after the restart.
    await createConfigMap('after-restore', { v: '1' });
    await eventually(async () => expect(informer.get(key('after-restore'))).toBeDefined());
  });

  it('re-delivers every cached object on each resync period', async () => {
    await createConfigMap('resynced', { v: '1' });
    const { informer, events } = startInformer({ resyncPeriodMs: 300 });
    await eventually(async () => {
      const resyncs = events.filter((event) => event.type === 'resync' && event.object.metadata?.name === 'resynced');
      expect(resyncs.length).toBeGreaterThanOrEqual(2);
    });
    // A resync hands over the cached object itself: nothing changed on the server.
    const resync = events.find((event) => event.type === 'resync' && event.object.metadata?.name === 'resynced');
    expect(resync?.object).toBe(informer.get(`${env().namespace}/resynced`));
    expect(
      events.filter((event) => event.object.metadata?.name === 'resynced' && event.type !== 'resync'),
    ).toHaveLength(1);
  });
});
