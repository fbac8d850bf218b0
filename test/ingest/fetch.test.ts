import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/ingest/address-guard.ts';
import { FetchError } from '../../src/ingest/errors.ts';
import { DEFAULT_USER_AGENT, fetchFeed } from '../../src/ingest/fetch.ts';
import type { FetchFeedOptions } from '../../src/ingest/fetch.ts';
import { createFetchLimiter } from '../../src/ingest/limiter.ts';
import { parseFeedBytes } from '../../src/ingest/parse.ts';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title></channel></rss>';
const LAST_MODIFIED = 'Tue, 05 Mar 2024 10:00:00 GMT';
const now = new Date('2024-03-10T12:00:00Z');

interface TestServer {
  base: string;
  port: number;
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  active: number;
  maxActive: number;
  close(): Promise<void>;
}

const gzipBomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)); // 8 MiB of zeros, ~8 KiB on the wire

function route(server: TestServer, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', server.base);
  const path = url.pathname;
  if (path === '/feed') {
    if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === LAST_MODIFIED) {
      res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=300' }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      'last-modified': LAST_MODIFIED,
    });
    res.end(FEED);
  } else if (path === '/ru-cp1251') {
    // windows-1251 declared in the HTTP header only, and gzipped on the wire.
    const body = readFileSync(new URL('../fixtures/feeds/rss2-ru-cp1251-undeclared.xml', import.meta.url));
    res.writeHead(200, {
      'content-type': 'application/rss+xml; charset=windows-1251',
      'content-encoding': 'gzip',
    });
    res.end(zlib.gzipSync(body));
  } else if (path === '/gzip') {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(FEED));
  } else if (path === '/br') {
    res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(FEED));
  } else if (path === '/deflate') {
    res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(FEED));
  } else if (path === '/deflate-raw') {
    res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(FEED));
  } else if (path === '/corrupt-gzip') {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('definitely not gzip'));
  } else if (path === '/bomb') {
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipBomb);
  } else if (path === '/big-declared') {
    res.writeHead(200, { 'content-length': String(4 * 1024 * 1024) });
    res.write(Buffer.alloc(1024)); // the client must give up on the header alone
  } else if (path === '/big-chunked') {
    res.writeHead(200);
    for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
    res.end();
  } else if (path.startsWith('/r/')) {
    const left = Number(path.slice(3));
    res.writeHead(302, { location: left > 1 ? `/r/${left - 1}` : '/feed' }).end();
  } else if (path === '/redirect') {
    res.writeHead(301, { location: url.searchParams.get('to') ?? '/' }).end();
  } else if (path === '/slow-body') {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write('<rss>');
    const timer = setInterval(() => res.write('<!-- still here -->'), 40);
    res.on('close', () => clearInterval(timer));
  } else if (path === '/slow-headers') {
    const timer = setTimeout(() => res.end(FEED), 5000);
    res.on('close', () => clearTimeout(timer));
  } else if (path === '/429') {
    res.writeHead(429, { 'retry-after': '120' }).end('slow down');
  } else if (path === '/503') {
    res.writeHead(503, { 'retry-after': new Date(now.getTime() + 90_000).toUTCString() }).end();
  } else if (path === '/503-no-retry') {
    res.writeHead(503).end();
  } else if (path === '/404') {
    res.writeHead(404).end('not here');
  } else if (path === '/expires') {
    res.writeHead(200, { expires: new Date(now.getTime() + 3600_000).toUTCString() }).end(FEED);
  } else if (path === '/no-store') {
    res.writeHead(200, { 'cache-control': 'no-store, max-age=600' }).end(FEED);
  } else if (path === '/hold') {
    server.active++;
    server.maxActive = Math.max(server.maxActive, server.active);
    setTimeout(() => {
      server.active--;
      res.end(FEED);
    }, 60);
  } else {
    res.writeHead(500).end();
  }
}

async function startServer(): Promise<TestServer> {
  const state = { base: '', port: 0, requests: [], active: 0, maxActive: 0 } as unknown as TestServer;
  const server = http.createServer((req, res) => {
    state.requests.push({ url: req.url ?? '', headers: req.headers });
    route(state, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.base = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

async function fetchError(url: string, opts: FetchFeedOptions = {}): Promise<FetchError> {
  try {
    await fetchFeed(url, { now: () => now, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error(`expected ${url} to fail`);
}

let srv: TestServer;
let other: TestServer;
beforeAll(async () => {
  [srv, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  await Promise.all([srv.close(), other.close()]);
});

describe('fetchFeed: plain and conditional requests', () => {
  it('returns the body with its validators and names the bot', async () => {
    const result = await fetchFeed(`${srv.base}/feed`, { now: () => now });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.body.toString()).toBe(FEED);
    expect(result).toMatchObject({
      httpStatus: 200,
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: LAST_MODIFIED,
      finalUrl: `${srv.base}/feed`,
      freshUntil: null,
    });
    const sent = srv.requests.at(-1)?.headers;
    expect(sent?.['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^govwatch\/[\d.]+ \(\+https:\/\/\S+\)$/);
    expect(sent?.['accept-encoding']).toBe('gzip, deflate, br');
  });

  it.each([
    ['an ETag', { etag: '"v1"' }],
    ['a Last-Modified date', { lastModified: LAST_MODIFIED }],
  ])('gets not-modified for %s, with freshness from Cache-Control', async (_label, validators) => {
    const result = await fetchFeed(`${srv.base}/feed`, { ...validators, now: () => now });
    expect(result).toEqual({
      status: 'not-modified',
      etag: '"v1"',
      lastModified: null,
      finalUrl: `${srv.base}/feed`,
      freshUntil: new Date(now.getTime() + 300_000),
    });
  });

  it('sends the validators it is given', async () => {
    await fetchFeed(`${srv.base}/feed`, { etag: '"v0"', lastModified: 'Mon, 04 Mar 2024 00:00:00 GMT' });
    const sent = srv.requests.at(-1)?.headers;
    expect(sent?.['if-none-match']).toBe('"v0"');
    expect(sent?.['if-modified-since']).toBe('Mon, 04 Mar 2024 00:00:00 GMT');
  });

  it('reads freshness from Expires, and none under no-store', async () => {
    const expires = await fetchFeed(`${srv.base}/expires`, { now: () => now });
    expect(expires.freshUntil?.toISOString()).toBe(new Date(now.getTime() + 3600_000).toISOString());
    const noStore = await fetchFeed(`${srv.base}/no-store`, { now: () => now });
    expect(noStore.freshUntil).toBeNull();
  });
});

describe('fetchFeed: compression and size', () => {
  it.each(['/gzip', '/br', '/deflate', '/deflate-raw'])('decompresses %s', async (path) => {
    const result = await fetchFeed(`${srv.base}${path}`);
    expect(result.status === 'ok' && result.body.toString()).toBe(FEED);
  });

  it('reports a corrupt compressed body', async () => {
    expect((await fetchError(`${srv.base}/corrupt-gzip`)).code).toBe('bad-encoding');
  });

  it('caps the body after decompression (gzip bomb)', async () => {
    const err = await fetchError(`${srv.base}/bomb`, { maxBytes: 1024 * 1024 });
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/after decompression/);
  });

  it('refuses a declared length over the cap without reading it', async () => {
    const started = performance.now();
    const err = await fetchError(`${srv.base}/big-declared`, { maxBytes: 1024 * 1024 });
    expect(err.code).toBe('too-large');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops an undeclared body at the cap', async () => {
    expect((await fetchError(`${srv.base}/big-chunked`, { maxBytes: 1024 * 1024 })).code).toBe('too-large');
    const ok = await fetchFeed(`${srv.base}/big-chunked`, { maxBytes: 4 * 1024 * 1024 });
    expect(ok.status === 'ok' && ok.body.length).toBe(40 * 64 * 1024);
  });
});

describe('fetchFeed into parseFeedBytes', () => {
  it('decodes with the charset of the HTTP header when the XML declares none', async () => {
    const result = await fetchFeed(`${srv.base}/ru-cp1251`);
    if (result.status !== 'ok') throw new Error('expected a body');
    const feed = parseFeedBytes(result.body, {
      contentType: result.contentType,
      baseUrl: result.finalUrl,
      now,
    });
    expect(feed).toMatchObject({
      charset: 'windows-1251',
      charsetSource: 'http',
      title: 'Роскомсвобода — новости',
    });
    expect(feed.items[1]?.title).toBe('Блокировки VPN: что изменилось в феврале');
  });
});

describe('fetchFeed: redirects', () => {
  it('follows up to five redirects and reports the final URL', async () => {
    const result = await fetchFeed(`${srv.base}/r/5`);
    expect(result.status).toBe('ok');
    expect(result.finalUrl).toBe(`${srv.base}/feed`);
  });

  it('refuses the sixth', async () => {
    const err = await fetchError(`${srv.base}/r/6`);
    expect(err.code).toBe('too-many-redirects');
    expect(err.message).toContain(`${srv.base}/r/6`);
  });

  it('honours a smaller maxRedirects', async () => {
    expect((await fetchError(`${srv.base}/r/2`, { maxRedirects: 1 })).code).toBe('too-many-redirects');
  });

  it('follows a redirect to another host when trusted', async () => {
    const result = await fetchFeed(`${srv.base}/redirect?to=${encodeURIComponent(`${other.base}/feed`)}`);
    expect(result.finalUrl).toBe(`${other.base}/feed`);
  });
});

describe('fetchFeed: time limit', () => {
  it('stops a body that trickles past the total deadline', async () => {
    const started = performance.now();
    const err = await fetchError(`${srv.base}/slow-body`, { timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`fetch ${srv.base}/slow-body: timed out after 300 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it('stops a server that never answers', async () => {
    expect((await fetchError(`${srv.base}/slow-headers`, { timeoutMs: 150 })).code).toBe('timeout');
  });
});

describe('fetchFeed: errors', () => {
  it.each([
    ['/429', 429, 120_000],
    ['/503', 503, 90_000],
    ['/503-no-retry', 503, null],
    ['/404', 404, null],
  ] as const)('%s gives http-status %i with retryAfterMs %s', async (path, status, retryAfterMs) => {
    const err = await fetchError(`${srv.base}${path}`);
    expect(err).toMatchObject({ code: 'http-status', status, retryAfterMs });
    expect(err.message).toContain(`HTTP ${status}`);
  });

  it('names the URL and says when to retry, in one line', async () => {
    const err = await fetchError(`${srv.base}/429`);
    expect(err.message).toBe(`fetch ${srv.base}/429: HTTP 429 Too Many Requests, retry after 120 s`);
  });

  it('reports refused connections as network errors', async () => {
    const closed = await startServer();
    await closed.close();
    const err = await fetchError(`${closed.base}/feed`);
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it.each(['ftp://127.0.0.1/feed', 'not a url'])('refuses %j as a bad URL', async (url) => {
    expect((await fetchError(url)).code).toBe('bad-url');
  });
});

describe('fetchFeed: address guard on untrusted URLs', () => {
  // 127.0.0.1 plays a public server here; every other address keeps the real rule's verdict.
  const resolver: Resolver = async (host) => {
    const table: Record<string, string> = {
      'public.test': '127.0.0.1',
      'intranet.test': '10.0.0.7',
      'meta.test': '169.254.169.254',
    };
    const address = table[host];
    if (!address) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
  const classify = (address: string): string | null => (address === '127.0.0.1' ? null : 'a private address');
  const guarded = { guard: true, resolver, classify } as const;

  it('refuses a loopback URL under the real rule before connecting', async () => {
    const before = srv.requests.length;
    const err = await fetchError(`${srv.base}/feed`, { guard: true });
    expect(err.code).toBe('blocked-address');
    expect(err.message).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(srv.requests.length).toBe(before);
  });

  it('connects to the address the guard checked', async () => {
    const result = await fetchFeed(`http://public.test:${srv.port}/feed`, guarded);
    expect(result.status).toBe('ok');
    expect(srv.requests.at(-1)?.headers.host).toBe(`public.test:${srv.port}`);
  });

  it.each([
    ['an IP literal', 'http://10.0.0.7/feed'],
    ['a name resolving to a private address', 'http://intranet.test/feed'],
    ['the metadata address', 'http://meta.test/latest/meta-data/'],
  ])('refuses a redirect to %s', async (_label, target) => {
    const before = srv.requests.length;
    const err = await fetchError(
      `http://public.test:${srv.port}/redirect?to=${encodeURIComponent(target)}`,
      guarded,
    );
    expect(err.code).toBe('blocked-address');
    expect(srv.requests.length).toBe(before + 1); // only the redirecting request was made
  });

  it('follows redirects to private addresses when not guarded or when allowed', async () => {
    const to = encodeURIComponent(`${srv.base}/feed`);
    expect((await fetchFeed(`${srv.base}/redirect?to=${to}`)).status).toBe('ok');
    expect(
      (await fetchFeed(`${srv.base}/redirect?to=${to}`, { guard: true, allowPrivate: true })).status,
    ).toBe('ok');
  });
});

describe('fetchFeed: concurrency limits', () => {
  it('keeps at most perHost requests on one host and global overall', async () => {
    srv.maxActive = 0;
    other.maxActive = 0;
    const limiter = createFetchLimiter({ perHost: 2, global: 3 });
    const urls = [...Array(5).fill(`${srv.base}/hold`), ...Array(5).fill(`${other.base}/hold`)] as string[];
    let overall = 0;
    let overallMax = 0;
    const timer = setInterval(() => {
      overall = srv.active + other.active;
      overallMax = Math.max(overallMax, overall);
    }, 5);
    const results = await Promise.all(urls.map((u) => fetchFeed(u, { limiter })));
    clearInterval(timer);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(srv.maxActive).toBe(2);
    expect(other.maxActive).toBe(2);
    expect(overallMax).toBeLessThanOrEqual(3);
    expect(limiter.active()).toBe(0);
    expect(limiter.waiting()).toBe(0);
  });

  it('gives slots back when requests fail', async () => {
    const limiter = createFetchLimiter({ perHost: 1, global: 1 });
    await fetchError(`${srv.base}/404`, { limiter });
    await fetchError(`${srv.base}/slow-headers`, { limiter, timeoutMs: 50 });
    expect(limiter.active()).toBe(0);
    expect((await fetchFeed(`${srv.base}/feed`, { limiter })).status).toBe('ok');
  });
});
