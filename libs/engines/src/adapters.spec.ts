import { describe, expect, it } from 'vitest';
import { inputFor } from './inputs.fixture.js';
import { renderEngine } from './render-engine.js';

const adapters = [
  { name: 'sql', uri: 'hf://acme/qwen-sql-lora' },
  { name: 'triage', uri: 'pvc://adapters/triage' },
];

describe('LoRA adapters', () => {
  it('vllm enables LoRA, allows every adapter in one batch and names them by --lora-modules', () => {
    const { container, modelNames, volumes } = renderEngine(inputFor('vllm', { adapters }));
    const args = container.args ?? [];
    expect(args.slice(args.indexOf('--enable-lora'))).toEqual([
      '--enable-lora',
      '--max-loras',
      '2',
      '--lora-modules',
      'sql=acme/qwen-sql-lora',
      'triage=/models/adapters/triage',
      // Tool calling for the Qwen2.5 base model follows.
      '--enable-auto-tool-choice',
      '--tool-call-parser',
      'hermes',
    ]);
    expect(volumes.map((volume) => volume.name)).toContain('model-pvc-0');
    expect(modelNames).toEqual({ base: 'qwen-small', adapters: { sql: 'sql', triage: 'triage' } });
  });

  it('sglang lists --lora-paths and counts the base model in --max-loras-per-batch', () => {
    const { container, modelNames } = renderEngine(inputFor('sglang', { adapters }));
    const args = container.args ?? [];
    expect(args.slice(args.indexOf('--enable-lora'))).toEqual([
      '--enable-lora',
      '--lora-paths',
      'sql=acme/qwen-sql-lora',
      'triage=/models/adapters/triage',
      '--max-loras-per-batch',
      '3',
      '--tool-call-parser',
      'qwen25',
    ]);
    expect(modelNames.adapters).toEqual({ sql: 'qwen-small:sql', triage: 'qwen-small:triage' });
  });

  it('tgi loads hub adapters by id and local ones as id=path, in one comma-separated flag', () => {
    const { container, modelNames } = renderEngine(inputFor('tgi', { adapters }));
    const args = container.args ?? [];
    expect(args.slice(args.indexOf('--lora-adapters'))).toEqual([
      '--lora-adapters',
      'acme/qwen-sql-lora,triage=/models/adapters/triage',
    ]);
    expect(modelNames).toEqual({ base: 'tgi', adapters: { sql: 'acme/qwen-sql-lora', triage: 'triage' } });
  });

  it('mounts a claim once when the model and adapters share it', () => {
    const { volumes, container } = renderEngine(
      inputFor('vllm', {
        model: { uri: 'pvc://store/base', servedName: 'b' },
        adapters: [
          { name: 'a', uri: 'pvc://store/lora-a' },
          { name: 'c', uri: 'pvc://other/lora-c' },
        ],
      }),
    );
    const claims = volumes.flatMap((volume) => volume.persistentVolumeClaim?.claimName ?? []);
    expect(claims).toEqual(['store', 'other']);
    expect(container.args).toContain('a=/models/store/lora-a');
    expect(container.args).toContain('c=/models/other/lora-c');
  });

  it('adds no LoRA flags without adapters', () => {
    expect(renderEngine(inputFor('vllm')).container.args).not.toContain('--enable-lora');
    expect(renderEngine(inputFor('vllm')).modelNames.adapters).toEqual({});
  });
});
