// A programmable feed server for tests: bound to 127.0.0.1 on a random port, routes can be
// changed between polls, every request is recorded (path and headers) so tests can check
// conditional requests. Also small builders for RSS documents.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticRoute {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send an ETag derived from the body and answer 304 to a matching If-None-Match. */
  etag?: boolean;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;
export type Route = StaticRoute | RouteHandler;

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FeedServer {
  baseUrl: string;
  url(path: string): string;
  requests: RecordedRequest[];
  /** Requests seen for one path. */
  requestsFor(path: string): RecordedRequest[];
  set(path: string, route: Route): void;
  close(): Promise<void>;
}

function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
}

export async function startFeedServer(routes: Record<string, Route> = {}): Promise<FeedServer> {
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const body = route.body ?? '';
    const headers: Record<string, string> = { ...route.headers };
    if (route.etag) {
      const tag = etagOf(body);
      headers.etag = tag;
      if (req.headers['if-none-match'] === tag) {
        res.writeHead(304, { etag: tag }).end();
        return;
      }
    }
    res.writeHead(route.status ?? 200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: (path) => `${baseUrl}${path.startsWith('/') ? path : `/${path}`}`,
    requests,
    requestsFor: (path) => requests.filter((r) => r.path === path),
    set: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface RssItem {
  guid?: string;
  title: string;
  link?: string;
  description?: string;
  /** ISO date; written as RFC 822 like real feeds do. */
  date?: string;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function rssFeed(title: string, items: RssItem[], opts: { link?: string } = {}): string {
  const entries = items.map(
    (i) =>
      `<item>` +
      (i.guid ? `<guid isPermaLink="false">${escapeXml(i.guid)}</guid>` : '') +
      `<title>${escapeXml(i.title)}</title>` +
      (i.link ? `<link>${escapeXml(i.link)}</link>` : '') +
      (i.description ? `<description>${escapeXml(i.description)}</description>` : '') +
      (i.date ? `<pubDate>${new Date(i.date).toUTCString()}</pubDate>` : '') +
      `</item>`,
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>` +
    `<title>${escapeXml(title)}</title><link>${escapeXml(opts.link ?? 'https://example.org/')}</link>` +
    `<description>test feed</description>${entries.join('')}</channel></rss>`
  );
}

/** A static route serving an RSS document with an ETag (304 on a repeat). */
export function rssRoute(title: string, items: RssItem[]): StaticRoute {
  return {
    headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
    body: rssFeed(title, items),
    etag: true,
  };
}
