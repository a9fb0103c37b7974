import { describe, expect, it } from 'vitest';
import type { PodEngineKind } from './engine-kind.js';
import { inputFor } from './inputs.fixture.js';
import { renderEngine } from './render-engine.js';

const envValue = (kind: PodEngineKind, name: string, overrides = {}) =>
  renderEngine(inputFor(kind, overrides)).container.env?.find((variable) => variable.name === name)?.value;

describe('renderEngine: command lines per engine', () => {
  it('vllm serves the model on 0.0.0.0:8000 with its batch size and one shard per GPU', () => {
    const { container } = renderEngine(inputFor('vllm', { gpuCount: 2, extraArgs: ['--max-model-len', '8192'] }));
    expect(container.image).toBe('vllm/vllm-openai:v0.11.0');
    expect(container.command).toEqual(['vllm', 'serve']);
    expect(container.args).toEqual([
      'Qwen/Qwen2.5-1.5B-Instruct',
      '--served-model-name',
      'qwen-small',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--max-num-seqs',
      '16',
      '--tensor-parallel-size',
      '2',
      // Qwen2.5's default tool-call parser; the user's args follow.
      '--enable-auto-tool-choice',
      '--tool-call-parser',
      'hermes',
      '--max-model-len',
      '8192',
    ]);
  });

  it('sglang runs launch_server with --tp-size and --max-running-requests', () => {
    const { container } = renderEngine(inputFor('sglang', { maxConcurrency: 32 }));
    expect(container.image).toBe('lmsysorg/sglang:v0.5.9');
    expect(container.command).toEqual(['python3', '-m', 'sglang.launch_server']);
    expect(container.args).toEqual([
      '--model-path',
      'Qwen/Qwen2.5-1.5B-Instruct',
      '--served-model-name',
      'qwen-small',
      '--host',
      '0.0.0.0',
      '--port',
      '30000',
      '--max-running-requests',
      '32',
      '--tp-size',
      '1',
      '--tool-call-parser',
      'qwen25',
    ]);
  });

  it('tgi keeps the image entrypoint and passes launcher flags', () => {
    const { container, modelNames } = renderEngine(inputFor('tgi', { gpuCount: 2 }));
    expect(container.image).toBe('ghcr.io/huggingface/text-generation-inference:3.3.4');
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual([
      '--model-id',
      'Qwen/Qwen2.5-1.5B-Instruct',
      '--hostname',
      '0.0.0.0',
      '--port',
      '3000',
      '--max-concurrent-requests',
      '16',
      '--num-shard',
      '2',
    ]);
    expect(modelNames.base).toBe('tgi');
  });

  it('llamacpp downloads a GGUF quant with -hf on CPU and offloads every layer on GPU', () => {
    const cpu = renderEngine(inputFor('llamacpp', { maxConcurrency: 4 })).container;
    expect(cpu.image).toBe('ghcr.io/ggml-org/llama.cpp:server');
    expect(cpu.command).toBeUndefined();
    expect(cpu.args).toEqual([
      '-hf',
      'Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M',
      '--alias',
      'qwen-small',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '--parallel',
      '4',
      '-ngl',
      '0',
      '--jinja',
    ]);
    const gpu = renderEngine(inputFor('llamacpp', { gpuCount: 1 })).container;
    expect(gpu.image).toBe('ghcr.io/ggml-org/llama.cpp:server-cuda');
    expect(gpu.args?.slice(-3)).toEqual(['-ngl', '999', '--jinja']);
  });

  it('ollama is configured through env and started by the pull-then-serve script', () => {
    const { container } = renderEngine(inputFor('ollama', { maxConcurrency: 4 }));
    expect(container.command?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.args).toBeUndefined();
    expect(container.env).toEqual([
      { name: 'OLLAMA_HOST', value: '0.0.0.0:11434' },
      { name: 'OLLAMA_NUM_PARALLEL', value: '4' },
      { name: 'OLLAMA_MODELS', value: '/cache/ollama' },
      { name: 'OLLAMA_KEEP_ALIVE', value: '-1' },
      { name: 'SLM_FLEET_PULL_MODEL', value: 'qwen2.5:1.5b' },
      { name: 'SLM_FLEET_SERVED_MODEL', value: 'qwen-small' },
    ]);
  });

  it('ollama pulls hf:// repositories from hf.co', () => {
    expect(
      envValue('ollama', 'SLM_FLEET_PULL_MODEL', { model: { uri: 'hf://org/m-GGUF:Q8_0', servedName: 's' } }),
    ).toBe('hf.co/org/m-GGUF:Q8_0');
  });

  it('nim is configured through NIM_* variables and keeps its entrypoint', () => {
    const { container } = renderEngine(inputFor('nim'));
    expect(container.image).toBe('nvcr.io/nim/nvidia/llm-nim:2.0.1');
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(container.env).toEqual([
      { name: 'NIM_MODEL_PATH', value: 'hf://meta-llama/Llama-3.2-1B-Instruct' },
      { name: 'NIM_SERVED_MODEL_NAME', value: 'llama-small' },
      { name: 'NIM_SERVER_PORT', value: '8000' },
    ]);
  });

  it('points each engine’s download cache at the model-cache volume', () => {
    expect(envValue('vllm', 'HF_HOME')).toBe('/cache/huggingface');
    expect(envValue('sglang', 'HF_HOME')).toBe('/cache/huggingface');
    expect(envValue('tgi', 'HUGGINGFACE_HUB_CACHE')).toBe('/cache/huggingface/hub');
    expect(envValue('llamacpp', 'LLAMA_CACHE')).toBe('/cache/llama.cpp');
    const nim = renderEngine(inputFor('nim')).container.volumeMounts;
    expect(nim).toContainEqual({ name: 'model-cache', mountPath: '/opt/nim/.cache' });
  });
});

describe('renderEngine: model sources', () => {
  it('mounts a pvc:// claim read-only under /models and loads the local path', () => {
    const { container, volumes } = renderEngine(
      inputFor('vllm', { model: { uri: 'pvc://models/qwen/1.5b', servedName: 'qwen-small' } }),
    );
    expect(container.args?.[0]).toBe('/models/models/qwen/1.5b');
    expect(volumes).toContainEqual({
      name: 'model-pvc-0',
      persistentVolumeClaim: { claimName: 'models', readOnly: true },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'model-pvc-0', mountPath: '/models/models', readOnly: true });
  });

  it('gives llamacpp a GGUF file on a claim with -m and nim an absolute NIM_MODEL_PATH', () => {
    const gguf = renderEngine(inputFor('llamacpp', { model: { uri: 'pvc://weights/q.gguf', servedName: 'q' } }));
    expect(gguf.container.args?.slice(0, 2)).toEqual(['-m', '/models/weights/q.gguf']);
    expect(envValue('nim', 'NIM_MODEL_PATH', { model: { uri: 'pvc://weights/llama', servedName: 'l' } })).toBe(
      '/models/weights/llama',
    );
  });

  it.each(['vllm', 'sglang'] as const)('%s streams s3:// with the Run:ai streamer', (kind) => {
    const { container } = renderEngine(inputFor(kind, { model: { uri: 's3://bucket/qwen', servedName: 'q' } }));
    expect(container.args).toContain('s3://bucket/qwen');
    expect(container.args?.join(' ')).toContain('--load-format runai_streamer');
  });

  it('passes ngc:// and s3:// to nim unchanged', () => {
    const credentials = { secretName: 'ngc', key: 'api-key' };
    const ngc = { model: { uri: 'ngc://nim/meta/llama-3.1-8b-instruct:hf', servedName: 'l' }, credentials };
    expect(envValue('nim', 'NIM_MODEL_PATH', ngc)).toBe('ngc://nim/meta/llama-3.1-8b-instruct:hf');
    expect(envValue('nim', 'NIM_MODEL_PATH', { model: { uri: 's3://bucket/llama', servedName: 'l' } })).toBe(
      's3://bucket/llama',
    );
  });
});

describe('renderEngine: the container around the engine', () => {
  it('exposes the profile port and returns the loopback OpenAI URL for the worker', () => {
    const workload = renderEngine(inputFor('sglang'));
    expect(workload.container.name).toBe('engine');
    expect(workload.container.ports).toEqual([{ name: 'http', containerPort: 30000, protocol: 'TCP' }]);
    expect(workload.port).toBe(30000);
    expect(workload.openaiBaseUrl).toBe('http://127.0.0.1:30000/v1');
    expect(workload.healthPath).toBe('/health');
  });

  it('gives model loading 30 minutes before liveness and readiness start', () => {
    const { container } = renderEngine(inputFor('vllm'));
    expect(container.startupProbe).toEqual({
      httpGet: { path: '/health', port: 'http' },
      timeoutSeconds: 5,
      periodSeconds: 10,
      failureThreshold: 180,
    });
    expect(container.readinessProbe?.httpGet?.path).toBe('/health');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
  });

  it('probes NIM readiness and liveness on their separate endpoints', () => {
    const { container } = renderEngine(inputFor('nim'));
    expect(container.startupProbe?.httpGet?.path).toBe('/v1/health/ready');
    expect(container.readinessProbe?.httpGet?.path).toBe('/v1/health/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/v1/health/live');
  });

  it('drops every capability and privilege escalation without forcing non-root', () => {
    const { securityContext } = renderEngine(inputFor('tgi')).container;
    expect(securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(securityContext?.runAsNonRoot).toBeUndefined();
  });

  it('requests GPUs as limits equal to requests, memory limited at its request, CPU unlimited', () => {
    const { resources } = renderEngine(
      inputFor('vllm', { gpuCount: 2, gpuResourceName: 'amd.com/gpu', image: 'rocm/vllm:x', cpu: '8', memory: '48Gi' }),
    ).container;
    expect(resources).toEqual({
      requests: { cpu: '8', memory: '48Gi', 'amd.com/gpu': '2' },
      limits: { memory: '48Gi', 'amd.com/gpu': '2' },
    });
  });

  it('requests no GPU on CPU and nvidia.com/gpu by default', () => {
    expect(renderEngine(inputFor('ollama')).container.resources).toEqual({});
    expect(renderEngine(inputFor('vllm')).container.resources).toEqual({
      requests: { 'nvidia.com/gpu': '1' },
      limits: { 'nvidia.com/gpu': '1' },
    });
  });

  it.each([
    ['vllm', 1, true],
    ['sglang', 1, true],
    ['nim', 1, true],
    ['tgi', 1, false],
    ['tgi', 2, true],
    ['llamacpp', 2, false],
    ['ollama', 0, false],
  ] as const)('%s on %i GPU(s) mounts /dev/shm: %s', (kind, gpuCount, mounted) => {
    const { container, volumes } = renderEngine(inputFor(kind, { gpuCount }));
    const shm = volumes.find((volume) => volume.name === 'dshm');
    expect(shm?.emptyDir).toEqual(mounted ? { medium: 'Memory' } : undefined);
    expect(container.volumeMounts?.some((mount) => mount.mountPath === '/dev/shm')).toBe(mounted);
  });

  it('appends the user’s env after the generated variables', () => {
    const { env } = renderEngine(inputFor('vllm', { env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }] })).container;
    expect(env?.at(-1)).toEqual({ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' });
    expect(env?.[0]).toEqual({ name: 'HF_HOME', value: '/cache/huggingface' });
  });

  it('picks the accelerator’s image and keeps an explicit one', () => {
    expect(renderEngine(inputFor('ollama', { gpuCount: 1, gpuResourceName: 'amd.com/gpu' })).container.image).toBe(
      'ollama/ollama:0.13.5-rocm',
    );
    expect(renderEngine(inputFor('vllm', { image: 'registry.local/vllm:pinned' })).container.image).toBe(
      'registry.local/vllm:pinned',
    );
  });
});
