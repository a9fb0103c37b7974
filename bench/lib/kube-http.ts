// The benchmark's own HTTPS client to the API server (admin client certificate from the
// platform's kubeconfig): polls and /metrics scrapes, each counted by request key so the
// benchmark can take its own requests out of the API server's totals.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { addCounts, requestKey, type Counts } from './request-key.js';

interface KubeconfigJson {
  clusters?: { cluster: { server: string; 'certificate-authority'?: string } }[];
  users?: { user: { 'client-certificate'?: string; 'client-key'?: string } }[];
}

export const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export class KubeHttp {
  /** Requests this client sent, by request key. */
  readonly sent: Counts = {};
  private readonly agent: Agent;
  /** For the control plane's other components: same client certificate, their self-signed serving certificates. */
  private readonly componentAgent: Agent;
  private readonly server: URL;

  /** From `kubectl config view --raw --minify -o json` of a kubeconfig with file references. */
  constructor(kubeconfigJson: string) {
    const config = JSON.parse(kubeconfigJson) as KubeconfigJson;
    const cluster = config.clusters?.[0]?.cluster;
    const user = config.users?.[0]?.user;
    const [ca, cert, key] = [cluster?.['certificate-authority'], user?.['client-certificate'], user?.['client-key']];
    if (!cluster || !ca || !cert || !key) throw new Error('kubeconfig lacks a server, CA or client certificate');
    this.server = new URL(cluster.server);
    if (this.server.hostname !== '127.0.0.1') throw new Error(`refusing a non-loopback API server: ${cluster.server}`);
    const credentials = { cert: readFileSync(cert), key: readFileSync(key) };
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ca: readFileSync(ca), ...credentials });
    // kube-controller-manager and kube-scheduler serve /metrics with a certificate they made
    // up at start (scripts/platform checks them with curl -k too); loopback only.
    this.componentAgent = new Agent({ rejectUnauthorized: false, ...credentials });
  }

  /** /metrics of kube-controller-manager or kube-scheduler on a loopback port (not counted: not an API request). */
  componentMetrics(port: number, timeoutMs = 30_000): Promise<string> {
    return this.send({ host: '127.0.0.1', port, agent: this.componentAgent }, '/metrics', 'text/plain', timeoutMs);
  }

  /** GET a path; rejects on a non-2xx answer or after `timeoutMs`. */
  get(path: string, accept = 'application/json', timeoutMs = 60_000): Promise<string> {
    addCounts(this.sent, requestKey('GET', path));
    const target = { host: this.server.hostname, port: Number(this.server.port), agent: this.agent };
    return this.send(target, path, accept, timeoutMs);
  }

  private send(
    target: { host: string; port: number; agent: Agent },
    path: string,
    accept: string,
    timeoutMs: number,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        { ...target, path, method: 'GET', headers: { Accept: accept }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(body);
            else reject(new Error(`GET ${path}: HTTP ${status}: ${body.slice(0, 300)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer after ${timeoutMs / 1000}s`)));
      req.on('error', reject);
      req.end();
    });
  }

  async getJson<T>(path: string): Promise<T> {
    return JSON.parse(await this.get(path)) as T;
  }

  close(): void {
    this.agent.destroy();
    this.componentAgent.destroy();
  }
}

/** Counts the rows of a Table (e.g. pods) whose READY column reads n/n. */
export function readyRows(table: string): { rows: number; ready: number } {
  const parsed = JSON.parse(table) as { columnDefinitions?: { name: string }[]; rows?: { cells: unknown[] }[] };
  const column = parsed.columnDefinitions?.findIndex((c) => c.name === 'Ready') ?? -1;
  const rows = parsed.rows ?? [];
  const ready = rows.filter((row) => {
    const [a, b] = String(row.cells[column] ?? '').split('/');
    return a !== undefined && a === b && Number(a) > 0;
  }).length;
  return { rows: rows.length, ready };
}
