import { createServer, connect, type Server, type Socket } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';

/** A LoggerService that keeps what it is given, so a test can wait for a logged event. */
export class CapturingLogger implements LoggerService {
  readonly entries: { level: string; message: unknown }[] = [];
  log = (message: unknown): void => void this.entries.push({ level: 'log', message });
  warn = (message: unknown): void => void this.entries.push({ level: 'warn', message });
  error = (message: unknown): void => void this.entries.push({ level: 'error', message });
  debug = (message: unknown): void => void this.entries.push({ level: 'debug', message });

  messages(level: string): string[] {
    return this.entries
      .filter((entry) => entry.level === level)
      .map((entry) => (entry.message as { msg?: string }).msg ?? String(entry.message));
  }
}

/**
 * A TCP proxy in front of the API server that a test can cut: `cut()` resets every open
 * connection and refuses new ones until `restore()`. TLS passes through untouched, so a
 * client sees exactly what a network failure or an API server restart looks like.
 */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  private constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {}

  static async start(target: { host: string; port: number }): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** A copy of the kubeconfig whose current cluster is reached through this proxy. */
  kubeConfigThrough(original: KubeConfig): KubeConfig {
    const current = original.getCurrentCluster();
    if (!current) throw new Error('kubeconfig has no current cluster');
    const server = new URL(current.server);
    server.port = String(this.port);
    const copy = new KubeConfig();
    copy.loadFromOptions({
      clusters: original.clusters.map((cluster) =>
        cluster.name === current.name ? { ...cluster, server: server.origin } : cluster,
      ),
      users: original.users,
      contexts: original.contexts,
      currentContext: original.currentContext,
    });
    return copy;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }

  async restore(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }
}

/** The API server's host and port from a kubeconfig. */
export function apiServerAddress(kubeConfig: KubeConfig): { host: string; port: number } {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  const url = new URL(server);
  return { host: url.hostname, port: Number(url.port || 443) };
}
