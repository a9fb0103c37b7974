import { describe, expect, it } from 'vitest';
import { parseModelUri } from './model-source.js';

describe('parseModelUri', () => {
  it.each([
    ['hf://Qwen/Qwen2.5-1.5B-Instruct', { scheme: 'hf', repo: 'Qwen/Qwen2.5-1.5B-Instruct' }],
    [
      'hf://bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
      { scheme: 'hf', repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', tag: 'Q4_K_M' },
    ],
    ['s3://models.acme/qwen/1.5b', { scheme: 's3', uri: 's3://models.acme/qwen/1.5b' }],
    ['pvc://weights/qwen/1.5b', { scheme: 'pvc', claim: 'weights', path: 'qwen/1.5b' }],
    ['pvc://weights/qwen/', { scheme: 'pvc', claim: 'weights', path: 'qwen' }],
    ['pvc://weights', { scheme: 'pvc', claim: 'weights', path: '' }],
    ['ollama://qwen2.5:1.5b', { scheme: 'ollama', name: 'qwen2.5:1.5b' }],
    ['ngc://nim/meta/llama-3.3-70b-instruct:hf', { scheme: 'ngc', uri: 'ngc://nim/meta/llama-3.3-70b-instruct:hf' }],
  ])('parses %s', (uri, expected) => {
    expect(parseModelUri(uri, 'model.uri')).toEqual(expected);
  });

  it.each([
    ['hf://just-a-name', 'model.uri must be hf://org/name[:tag]'],
    ['hf://org/name/extra', 'model.uri must be hf://org/name[:tag]'],
    ['s3://bucket', 'model.uri must be s3://bucket/path'],
    ['pvc://weights/a//b', 'model.uri has an invalid path segment ""'],
    ['pvc://weights/a b', 'model.uri has an invalid path segment "a b"'],
    ['pvc://weights/./a', 'model.uri has an invalid path segment "."'],
    ['ollama://', 'model.uri must be ollama://name[:tag]'],
    ['https://huggingface.co/Qwen/Qwen2.5', 'model.uri has the unknown scheme "https://"'],
  ])('rejects %s', (uri, message) => {
    expect(() => parseModelUri(uri, 'model.uri')).toThrow(message);
  });
});
