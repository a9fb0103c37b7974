import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCAL_NAMESPACE, loadLocalResources } from './local-resources.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'local');

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slm-local-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const specialist = (name: string, extra = '') => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://sim/model}
  engine: {kind: vllm}
  resources: {gpu: {count: 1}}
  tasks: [t]
${extra}`;

describe('loadLocalResources', () => {
  it('reads the shipped examples, with the CRD defaults, in the local namespace', () => {
    const { specialists, agentTasks } = loadLocalResources(examples);
    expect(specialists.map((s) => s.metadata.name).sort()).toEqual([
      'invoice-extractor',
      'large-model',
      'summarizer',
      'support-agent',
      'ticket-classifier',
    ]);
    expect(agentTasks.map((t) => t.metadata.name).sort()).toEqual([
      'classify-ticket',
      'extract-invoice',
      'summarize',
      'support-tools',
    ]);
    // The large model is every demo task's fallback, served by workers with no GPU.
    expect(agentTasks.map((t) => t.spec.fallback?.specialist)).toEqual(Array(4).fill('large-model'));
    const large = specialists.find((s) => s.metadata.name === 'large-model');
    expect(large?.spec.engine).toMatchObject({ kind: 'openai', secretRef: { name: 'llm-api-key', key: 'apiKey' } });
    expect(agentTasks.find((t) => t.metadata.name === 'support-tools')?.spec.tools?.map((t) => t.name)).toEqual([
      'lookup_order',
      'refund',
      'escalate',
    ]);
    expect(specialists.every((s) => s.metadata.namespace === LOCAL_NAMESPACE)).toBe(true);
    expect(agentTasks[0]?.spec.retries).toBe(1);
  });

  it('reads several documents of a file and fills in defaults', () => {
    const { specialists } = loadLocalResources(dirWith({ 'a.yaml': `${specialist('a')}---${specialist('b')}` }));
    expect(specialists.map((s) => [s.metadata.name, s.spec.scaling.maxReplicas])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('names the file, the resource and the field of every problem', () => {
    const dir = dirWith({
      'bad.yaml': specialist('bad', '  scaling: {maxReplicas: many}'),
      'kind.yaml': 'apiVersion: slm.dev/v1alpha1\nkind: Pod\nmetadata: {name: p}\n',
      'name.yml': 'apiVersion: slm.dev/v1alpha1\nkind: Specialist\nmetadata: {name: Not_A_Label}\n',
      'ok.yaml': specialist('fine'),
    });
    let message = '';
    try {
      loadLocalResources(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/bad\.yaml \(document 1\): Specialist bad: spec\.scaling\.maxReplicas: must be integer/);
    expect(message).toMatch(/kind\.yaml \(document 1\): p: kind must be Specialist or AgentTask, got Pod/);
    expect(message).toMatch(/name\.yml \(document 1\): metadata\.name must be a DNS label/);
  });

  it('says when the directory cannot be read or holds no Specialist', () => {
    expect(() => loadLocalResources('/nonexistent/dir')).toThrow(/cannot read --resources \/nonexistent\/dir/);
    expect(() => loadLocalResources(dirWith({}))).toThrow(/no Specialist found/);
  });
});
