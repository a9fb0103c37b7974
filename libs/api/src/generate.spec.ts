import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FALLBACK_WHEN_DEFAULTS } from './agent-task.js';
import { buildCrd, resourceDefinitions } from './crd.js';
import { generatedFiles } from './generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('generated files', () => {
  it.each(generatedFiles().map((f) => [f.path, f] as const))(
    '%s is up to date (run npm run generate)',
    (path, file) => {
      // docs/crd-reference.md goes through prettier after generation: compare ignoring layout.
      const squash = (text: string): string => text.replace(/[\s|-]+/g, ' ').trim();
      const committed = readFileSync(join(root, path), 'utf8');
      if (path.endsWith('.md')) expect(squash(committed)).toBe(squash(file.content));
      else expect(committed).toBe(file.content);
    },
  );

  it('leaves no CRD file it does not generate in crds/ or the chart', () => {
    for (const dir of ['crds', 'charts/slm-fleet/files/crds']) {
      const committed = readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml'));
      const generated = generatedFiles()
        .filter((f) => dirname(f.path) === dir)
        .map((f) => basename(f.path));
      expect(committed.sort(), dir).toEqual(generated.sort());
    }
  });
});

describe('buildCrd', () => {
  const [specialist] = resourceDefinitions.map(buildCrd) as [Record<string, any>]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const version = specialist['spec'].versions[0];
  const spec = version.schema.openAPIV3Schema.properties.spec;

  it('does not list defaulted fields as required, and says their default', () => {
    expect(spec.properties.engine.required).toEqual(['kind']);
    expect(spec.properties.engine.properties.maxConcurrency.description).toMatch(/Default: 8\.$/);
    expect(spec.required).toEqual(['model', 'engine', 'tasks']);
  });

  it('refuses engine.toolCallParser by CEL where the engine cannot use it', () => {
    const rules = spec.properties.engine['x-kubernetes-validations'] as { rule: string; fieldPath?: string }[];
    const onParser = rules.filter((r) => r.fieldPath === '.toolCallParser').map((r) => r.rule);
    expect(onParser).toEqual([
      "!has(self.toolCallParser) || self.kind in ['vllm', 'sglang', 'nim', 'llamacpp']",
      "self.kind != 'llamacpp' || !has(self.toolCallParser) || self.toolCallParser == 'none'",
      "self.kind != 'nim' || !has(self.toolCallParser) || self.toolCallParser != 'none'",
    ]);
  });

  it("keys an AgentTask's tools by name, so the API server refuses two tools of one name", () => {
    const task = buildCrd(resourceDefinitions[1]!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const tools = task['spec'].versions[0].schema.openAPIV3Schema.properties.spec.properties.tools;
    expect(tools).toMatchObject({
      maxItems: 128,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(tools.items.required).toEqual(['name']);
    expect(tools.items.properties.parameters['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('gives an omitted scaling block every default (the API server does not fill nested ones)', () => {
    expect(spec.properties.scaling.default).toEqual({
      mode: 'managed',
      minReplicas: 1,
      maxReplicas: 1,
      targetQueuePerReplica: 4,
      scaleDownDelaySeconds: 300,
    });
  });

  it('shows no user a bare regular expression: every pattern of a spec became a CEL rule with words', () => {
    const patterns: string[] = [];
    type Node = { pattern?: string; properties?: Record<string, Node>; items?: Node; additionalProperties?: unknown };
    const walk = (node: Node, path: string): void => {
      if (node['pattern']) patterns.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties as Node, `${path}{}`);
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const crd of resourceDefinitions.map(buildCrd) as Record<string, any>[]) {
      walk(crd['spec'].versions[0].schema.openAPIV3Schema.properties.spec, `${crd['spec'].names.kind}.spec`);
    }
    expect(patterns).toEqual([]);
    const memory = spec.properties.resources.properties.memory;
    expect(memory['x-kubernetes-validations'][0].message).toMatch(/e\.g\. "32Gi".*"GB" is not a unit/);
  });

  it('checks placement.affinity field by field, as core/v1 Affinity', () => {
    const affinity = spec.properties.placement.properties.affinity;
    expect(affinity['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
    expect(Object.keys(affinity.properties)).toEqual(['nodeAffinity', 'podAffinity', 'podAntiAffinity']);
    expect(JSON.stringify(affinity)).not.toContain('x-slm-fleet');
  });

  it('lets engine.kind ollama load hf:// models, as its launcher does', () => {
    const rules = (spec['x-kubernetes-validations'] as { rule: string; message: string }[]).filter((r) =>
      r.rule.includes("'ollama://'"),
    );
    expect(rules).toEqual([
      expect.objectContaining({
        rule: "self.engine.kind == 'openai' || !self.model.uri.startsWith('ollama://') || self.engine.kind in ['ollama']",
        message: 'ollama:// models need engine.kind ollama',
      }),
    ]);
  });

  it("checks adapter names against the served name at the object's root (it defaults to metadata.name)", () => {
    const root = version.schema.openAPIV3Schema['x-kubernetes-validations'] as { rule: string; fieldPath?: string }[];
    expect(root.map((r) => r.fieldPath)).toEqual([undefined, '.spec.model.adapters']);
    expect(root[1]?.rule).toContain('self.metadata.name');
  });

  it('says the default of maxReplicas when minReplicas exceeds it', () => {
    const [rule] = spec.properties.scaling['x-kubernetes-validations'];
    expect(rule.message).toContain('(default 1 when left out)');
    expect(rule.messageExpression).toContain('which is 1 (its default when left out)');
  });

  it('describes the default of object and list fields too, for kubectl explain', () => {
    expect(spec.properties.queue.description).toMatch(/Default: \{"maxWaiting":1000\}\.$/);
    expect(spec.properties.scaling.description).toMatch(/Default: \{"mode":"managed",.*\}\.$/);
    const task = buildCrd(resourceDefinitions[1]!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const capture = task['spec'].versions[0].schema.openAPIV3Schema.properties.spec.properties.capture;
    expect(capture.properties.redact.description).toMatch(/Default: \["email","phone","card"\]\.$/);
  });

  it("fills in the fallback triggers' defaults as FALLBACK_WHEN_DEFAULTS says, and shows the shadow's agreement", () => {
    const task = buildCrd(resourceDefinitions[1]!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const taskVersion = task['spec'].versions[0];
    const when = taskVersion.schema.openAPIV3Schema.properties.spec.properties.fallback.properties.when;
    const defaults = Object.fromEntries(
      Object.entries(when.properties as Record<string, { default?: unknown }>).flatMap(([name, field]) =>
        field.default === undefined ? [] : [[name, field.default]],
      ),
    );
    expect(defaults).toEqual(FALLBACK_WHEN_DEFAULTS);
    expect(when.default).toEqual({});
    expect(taskVersion.additionalPrinterColumns).toContainEqual(
      expect.objectContaining({ name: 'Agreement', jsonPath: '.status.shadow.agreementPercent' }),
    );
  });

  it('has the status and scale subresources and printer columns', () => {
    expect(version.subresources.scale).toEqual({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Ready',
      'Desired',
      'GPUs',
      'Engine',
      'Queue',
      'Status',
      'Age',
      'Tasks',
      'Model',
    ]);
  });
});
