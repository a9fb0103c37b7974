import { describe, expect, it } from 'vitest';
import { classifyProbe, shownUrl, type EndpointHealth, type ProbeOutcome } from './endpoint-health.js';

const endpoint = {
  url: 'https://llm.example.com/v1/',
  model: 'gpt-4o-mini',
  secret: { name: 'openai-api-key', key: 'apiKey' },
};

describe('classifyProbe', () => {
  it.each<[string, ProbeOutcome, Omit<Partial<EndpointHealth>, 'message'> & { message: RegExp }]>([
    [
      'the model listed',
      { kind: 'answered', status: 200, modelIds: ['gpt-4o', 'gpt-4o-mini'] },
      { ready: true, reason: 'EndpointReady', message: /^https:\/\/llm\.example\.com\/v1 serves gpt-4o-mini$/ },
    ],
    [
      'a list without the model',
      { kind: 'answered', status: 200, modelIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      {
        ready: false,
        reason: 'ModelNotFound',
        message: /does not serve gpt-4o-mini \(it lists a, b, c, d, e and 2 more\)/,
      },
    ],
    [
      'an empty list',
      { kind: 'answered', status: 200, modelIds: [] },
      { ready: false, reason: 'ModelNotFound', message: /\(it lists none\)/ },
    ],
    [
      'a 200 that is not a model list',
      { kind: 'answered', status: 200 },
      { ready: true, reason: 'EndpointReady', message: /so gpt-4o-mini is not checked/ },
    ],
    [
      '401',
      { kind: 'answered', status: 401 },
      {
        ready: false,
        reason: 'Unauthorized',
        message:
          /^GET https:\/\/llm\.example\.com\/v1\/models answered 401: it refuses the API key in Secret openai-api-key, key apiKey$/,
      },
    ],
    ['403', { kind: 'answered', status: 403 }, { ready: false, reason: 'Unauthorized', message: /answered 403/ }],
    [
      '429 (rate limited: authenticated, and not a reason to stop routing)',
      { kind: 'answered', status: 429 },
      { ready: true, reason: 'EndpointReady', message: /429 \(rate limited\)/ },
    ],
    [
      '404 (a base URL without /v1)',
      { kind: 'answered', status: 404 },
      { ready: false, reason: 'EndpointUnreachable', message: /usually ending in \/v1/ },
    ],
    [
      '503',
      { kind: 'answered', status: 503 },
      { ready: false, reason: 'EndpointUnreachable', message: /models answered 503$/ },
    ],
    [
      'a redirect',
      { kind: 'answered', status: 302 },
      { ready: false, reason: 'EndpointUnreachable', message: /answered 302/ },
    ],
    [
      'a refused connection',
      { kind: 'failed', error: 'connection refused (ECONNREFUSED)' },
      { ready: false, reason: 'EndpointUnreachable', message: /models failed: connection refused \(ECONNREFUSED\)$/ },
    ],
    [
      'a missing Secret',
      { kind: 'no-key', error: 'Secret openai-api-key not found' },
      { ready: false, reason: 'Unauthorized', message: /^no API key to call .*: Secret openai-api-key not found$/ },
    ],
  ])('%s', (_case, outcome, expected) => {
    const health = classifyProbe(outcome, endpoint);
    expect(health).toMatchObject({ ...expected, message: expect.stringMatching(expected.message) });
  });

  it('says how to give a key when the endpoint wants one and none is set', () => {
    const withoutKey = { url: endpoint.url, model: endpoint.model };
    expect(classifyProbe({ kind: 'answered', status: 401 }, withoutKey).message).toMatch(
      /refuses no API key \(set engine\.secretRef\)$/,
    );
  });
});

describe('shownUrl', () => {
  it.each([
    ['https://api.example.com/v1', 'https://api.example.com/v1'],
    ['https://user:sk-secret@api.example.com/v1/?key=sk-secret#x', 'https://api.example.com/v1'],
    ['http://127.0.0.1:8080/v1/', 'http://127.0.0.1:8080/v1'],
    ['not a url sk-secret', '(engine.url)'],
  ])('%s -> %s (no credentials in a message)', (url, shown) => {
    expect(shownUrl(url)).toBe(shown);
  });
});
