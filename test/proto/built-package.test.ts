// The compiled package on its own, laid out as in a container image (package.json, dist/ and
// node_modules, no repository): reflection still describes slm.v1, since the descriptors are
// embedded in dist/ rather than read from proto/ at run time.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, runTool, toolPath } from '@slm-fleet/testing';

// Serves health and reflection from the copied dist/, prints its port, and exits when stdin closes.
const SERVE = `
import * as grpc from '@grpc/grpc-js';
import { addStandardServices } from './pkg/dist/index.js';
const server = new grpc.Server();
addStandardServices(server);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(port);
});
process.stdin.on('end', () => server.forceShutdown()).resume();
`;

describe('the built @slm-fleet/proto package', () => {
  const grpcurlBin = toolPath(inject('platform'), 'grpcurl');
  const dir = mkdtempSync(join(tmpdir(), 'slm-fleet-proto-dist-'));
  let child: ReturnType<typeof spawn> | undefined;
  let address = '';

  beforeAll(async () => {
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
    await promisify(execFile)(tsc, ['-b', 'libs/proto/tsconfig.lib.json'], { cwd: repoRoot });
    cpSync(join(repoRoot, 'libs', 'proto', 'package.json'), join(dir, 'pkg', 'package.json'));
    cpSync(join(repoRoot, 'libs', 'proto', 'dist'), join(dir, 'pkg', 'dist'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'serve.mjs'), SERVE);
    child = spawn(process.execPath, ['serve.mjs'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
    const [port] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.stdin!.end();
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries no .proto files', () => {
    const files = readdirSync(join(dir, 'pkg'), { recursive: true }).map(String);
    expect(files).toContain(join('dist', 'index.js'));
    expect(files.filter((file) => file.endsWith('.proto'))).toEqual([]);
  });

  it('describes slm.v1.AgentRouter and answers health checks through reflection', async () => {
    const service = await runTool(grpcurlBin, ['-plaintext', address, 'describe', 'slm.v1.AgentRouter']);
    expect(service).toContain('rpc InvokeStream ( .slm.v1.InvokeRequest ) returns ( stream .slm.v1.InvokeChunk );');
    const check = await runTool(grpcurlBin, ['-plaintext', address, 'grpc.health.v1.Health/Check']);
    expect(JSON.parse(check)).toEqual({ status: 'SERVING' });
  });
});
