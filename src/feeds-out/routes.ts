// GET /feeds/…: Atom 1.0 and JSON Feed 1.1 for everything, a theme, a region, a source, and
// private saved searches (/feeds/private/<token>.atom). Conditional GET (ETag,
// Last-Modified) and Cache-Control; an unknown theme, source or token is a 404.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isThemeId, type StoredItem, type SubscriptionFilter } from '../model.ts';
import type { Metrics } from '../metrics/types.ts';
import type { Store } from '../store/types.ts';
import { sendText, type Route } from '../http/server.ts';
import { feedTagUri, renderAtom, renderJsonFeed, type FeedMeta } from './render.ts';
import { describeFilter } from '../digest/filter.ts';
import { selectFeedItems } from './select.ts';
import { hashFeedToken, TOKEN_PATTERN } from './tokens.ts';

const EMPTY: SubscriptionFilter = { themes: [], regions: [], sources: [], keywords: [] };
const MAX_AGE_S = 300;

interface Resolved {
  /** The metrics label: all, theme, region, source or private (never the token). */
  route: string;
  id: string;
  title: string;
  description: string;
  filter: SubscriptionFilter;
  private: boolean;
}

async function resolve(store: Store, kind: string, name: string): Promise<Resolved | null> {
  switch (kind) {
    case 'all':
      return {
        route: 'all',
        id: feedTagUri('all'),
        title: 'govwatch: all news',
        description: 'Everything govwatch archived, newest first',
        filter: EMPTY,
        private: false,
      };
    case 'theme':
      if (!isThemeId(name)) return null;
      return {
        route: 'theme',
        id: feedTagUri(`theme/${name}`),
        title: `govwatch: ${name}`,
        description: `News tagged ${name}`,
        filter: { ...EMPTY, themes: [name] },
        private: false,
      };
    case 'region': {
      if (!/^[A-Za-z]{2}$/.test(name)) return null;
      const code = name.toUpperCase();
      return {
        route: 'region',
        id: feedTagUri(`region/${code}`),
        title: `govwatch: ${code}`,
        description: `News about region ${code}`,
        filter: { ...EMPTY, regions: [code] },
        private: false,
      };
    }
    case 'source': {
      const feed = await store.getFeed(name);
      if (!feed) return null;
      return {
        route: 'source',
        id: feedTagUri(`source/${feed.id}`),
        title: `govwatch: ${feed.name}`,
        description: `News from ${feed.name}`,
        filter: { ...EMPTY, sources: [feed.id] },
        private: false,
      };
    }
    case 'private': {
      if (!TOKEN_PATTERN.test(name)) return null;
      const token = await store.feedTokens.findByHash(hashFeedToken(name));
      if (!token) return null;
      const f = token.filter;
      return {
        route: 'private',
        id: feedTagUri(`saved/${token.id}`),
        title: `govwatch: saved search #${token.id}`,
        description: `Saved search: ${describeFilter(f)}`,
        filter: f,
        private: true,
      };
    }
    default:
      return null;
  }
}

function etagOf(format: string, r: Resolved, items: StoredItem[], updated: string): string {
  const h = createHash('sha1').update(`${format}\n${r.id}\n${updated}\n`);
  for (const i of items) h.update(`${i.id},`);
  return `"${h.digest('base64url').slice(0, 22)}"`;
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2). */
function notModified(req: IncomingMessage, etag: string, lastModified: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  if (ims) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(lastModified / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

export function feedRoutes(opts: {
  store: Store;
  metrics: Metrics;
  baseUrl: () => string;
  /** Stands for `updated` of an empty feed (stable for the process's life). */
  startedAt: string;
}): Route {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const m = /^\/feeds\/(?:(all)|(theme|region|source|private)\/([^/]+))\.(atom|json)$/.exec(url.pathname);
    if (!url.pathname.startsWith('/feeds/')) return false;
    if (!m) {
      opts.metrics.feedRequest('unknown', 404);
      sendText(res, 404, 'no such feed\n');
      return true;
    }
    const kind = m[1] ?? m[2]!;
    let name = '';
    try {
      name = m[3] ? decodeURIComponent(m[3]) : '';
    } catch {
      name = '\u0000'; // malformed escapes: no feed has this name
    }
    const format = m[4]!;
    const r = await resolve(opts.store, kind, name);
    if (!r) {
      opts.metrics.feedRequest(kind, 404);
      sendText(res, 404, 'no such feed\n');
      return true;
    }
    const items = await selectFeedItems(opts.store, r.filter);
    const updated = items.reduce((max, i) => (i.firstSeen > max ? i.firstSeen : max), '') || opts.startedAt;
    const lastModified = Date.parse(updated);
    const etag = etagOf(format, r, items, updated);
    res.setHeader('etag', etag);
    res.setHeader('last-modified', new Date(lastModified).toUTCString());
    res.setHeader('cache-control', `${r.private ? 'private' : 'public'}, max-age=${MAX_AGE_S}`);
    res.setHeader('vary', 'Accept-Encoding');
    if (r.private) res.setHeader('x-robots-tag', 'noindex');
    if (notModified(req, etag, lastModified)) {
      opts.metrics.feedRequest(r.route, 304);
      res.writeHead(304).end();
      return true;
    }
    const base = opts.baseUrl();
    const path = url.pathname.replace(/\.(atom|json)$/, '');
    const meta: FeedMeta = {
      id: r.id,
      title: r.title,
      description: r.description,
      selfUrl: `${base}${path}.${format}`,
      alternateUrl: `${base}${path}.${format === 'atom' ? 'json' : 'atom'}`,
      updated: new Date(lastModified).toISOString(),
    };
    const body =
      format === 'atom' ? renderAtom(meta, items, feedTagUri('themes')) : renderJsonFeed(meta, items);
    opts.metrics.feedRequest(r.route, 200);
    const type =
      format === 'atom' ? 'application/atom+xml; charset=utf-8' : 'application/feed+json; charset=utf-8';
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end();
      return true;
    }
    sendText(res, 200, body, type);
    return true;
  };
}
