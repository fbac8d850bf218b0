// A stand-in for the tracked sources on 127.0.0.1 (the demo and the tests): answers each
// path (with `?name=` for the Datatracker's document API) from a table that can change
// between polls, with an ETag and 304 on a repeat, like the real hosts' caches.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TrackerRoute {
  body: string;
  contentType?: string;
  status?: number;
}

export interface TrackerServer {
  baseUrl: string;
  /** Paths asked, with `?name=` kept, in order. */
  requests: string[];
  set(path: string, route: TrackerRoute): void;
  close(): Promise<void>;
}

function keyOf(url: string): string {
  const u = new URL(url, 'http://x');
  const name = u.searchParams.get('name');
  return name ? `${u.pathname}?name=${name}` : u.pathname;
}

export async function startTrackerServer(routes: Record<string, TrackerRoute> = {}): Promise<TrackerServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const key = keyOf(req.url ?? '/');
    requests.push(key);
    const route = table.get(key);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('sha1').update(route.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res
      .writeHead(route.status ?? 200, {
        'content-type': route.contentType ?? (route.body.startsWith('{') ? 'application/json' : 'text/html'),
        etag,
      })
      .end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    set: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
