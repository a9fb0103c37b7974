import type { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { readApiKey, type ApiKeyRead } from './api-key.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** A CoreV1Api whose readNamespacedSecret resolves `data` or rejects with `code` (and a body echoing it). */
const core = (answer: { data?: Record<string, string> } | { code: number }) =>
  ({
    readNamespacedSecret: async () => {
      if ('code' in answer) throw Object.assign(new Error(`HTTP ${answer.code} body: {"data":"c2stc2VjcmV0"}`), answer);
      return { data: answer.data };
    },
  }) as unknown as CoreV1Api;

const ref = { name: 'llm-key', key: 'apiKey' };

describe('readApiKey', () => {
  it.each<[string, Parameters<typeof core>[0], ApiKeyRead]>([
    ['the key', { data: { apiKey: b64('sk-secret') } }, { apiKey: 'sk-secret' }],
    ['a missing Secret', { code: 404 }, { error: 'Secret llm-key not found in namespace team-a' }],
    [
      'a Secret the operator may not read',
      { code: 403 },
      { error: 'the operator may not read Secret llm-key (its RBAC needs get on secrets)' },
    ],
    ['another API error', { code: 500 }, { error: 'reading Secret llm-key failed (HTTP 500)' }],
    ['a missing key', { data: { other: b64('x') } }, { error: 'Secret llm-key has no key apiKey' }],
    ['an empty key', { data: { apiKey: '' } }, { error: 'Secret llm-key has no key apiKey' }],
    [
      'a key saved with its newline',
      { data: { apiKey: b64('sk-secret\n') } },
      {
        error:
          'the value of key apiKey in Secret llm-key holds whitespace or a newline: store the key alone (kubectl create secret generic --from-literal)',
      },
    ],
  ])('%s', async (_case, answer, expected) => {
    const read = await readApiKey(core(answer), 'team-a', ref);
    expect(read).toEqual(expected);
    if ('error' in read) expect(read.error).not.toContain('sk-secret');
  });
});
