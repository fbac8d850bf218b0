// A TCP proxy on 127.0.0.1 between the bot and a server (a platform stand-in, PostgreSQL),
// which a test can turn into the two ways a remote side goes away:
// - silent(): connections stay open but nothing passes any more, and new connections are
//   accepted and never answered (a frozen server, a black-holed network);
// - closed(): every connection is reset and the port refuses new ones (a server that died).
// resume() lets traffic through again (listening again on the same port after closed()).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Where connections go (a port on 127.0.0.1); may be set after the proxy starts. */
  targetPort: number;
  readonly mode: 'open' | 'silent' | 'closed';
  /** Connections accepted so far (to see that the bot tried). */
  readonly accepted: number;
  silent(): void;
  closed(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort = 0): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket | null }>();
  let mode: TcpProxy['mode'] = 'open';
  let accepted = 0;
  let server: Server;

  const onConnection = (client: Socket): void => {
    accepted++;
    const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null };
    pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (mode !== 'open') {
      client.pause(); // accepted, never answered
      return;
    }
    const upstream = connect(proxy.targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      if (mode === 'open') client.destroy();
    });
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (mode === 'open') to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('end', () => mode === 'open' && upstream.end());
    upstream.on('end', () => mode === 'open' && client.end());
  };

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server!.address() as AddressInfo).port;

  const proxy: TcpProxy = {
    port,
    targetPort,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    silent() {
      mode = 'silent';
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream?.pause();
      }
    },
    async closed() {
      mode = 'closed';
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async resume() {
      if (mode === 'closed') await listen(port);
      else {
        // Connections frozen mid-stream are not trusted again: the bot reconnects.
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream?.destroy();
        }
        pairs.clear();
      }
      mode = 'open';
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      pairs.clear();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
