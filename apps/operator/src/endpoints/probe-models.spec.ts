import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeModels } from './probe-models.js';

describe('probeModels (loopback HTTP)', () => {
  const seen: (string | undefined)[] = [];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ data: [{ id: 'a' }, { id: 'b' }, { nope: 1 }] }));
      }
      if (request.url === '/text/models') return void response.writeHead(200).end('hello');
      if (request.url === '/moved/models') return void response.writeHead(302, { location: '/v1/models' }).end();
      if (request.url === '/hang/models') return; // never answers
      response.writeHead(401).end(`Incorrect API key provided: ${request.headers.authorization}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('returns the model ids of a list, sending the key as a bearer token', async () => {
    expect(await probeModels(`${base}/v1/`, 'sk-1')).toEqual({ kind: 'answered', status: 200, modelIds: ['a', 'b'] });
    expect(seen.at(-1)).toBe('Bearer sk-1');
  });

  it('sends no Authorization without a key, and returns no ids for a body that is not a list', async () => {
    expect(await probeModels(`${base}/text`, undefined)).toEqual({ kind: 'answered', status: 200 });
    expect(seen.at(-1)).toBeUndefined();
  });

  it('returns only the status of a refusal, never its body (which echoes the key)', async () => {
    const outcome = await probeModels(`${base}/other`, 'sk-secret-value');
    expect(outcome).toEqual({ kind: 'answered', status: 401 });
    expect(JSON.stringify(outcome)).not.toContain('sk-secret-value');
  });

  it('reports a redirect instead of following it with the key', async () => {
    expect(await probeModels(`${base}/moved`, 'sk-1')).toEqual({ kind: 'answered', status: 302 });
  });

  it('says a closed port and a silent endpoint apart', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await probeModels(`http://127.0.0.1:${port}/v1`, 'sk-1')).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(await probeModels(`${base}/hang`, 'sk-1', 200)).toEqual({ kind: 'failed', error: 'no answer within 0.2 s' });
  });
});
