// Finding a site's feed from one of its web pages, as feed readers do: the page names its
// feeds with <link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href>;
// when it names none, the paths most sites serve a feed at are worth a try.
import { decodeEntities } from './html-entities.ts';

export const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/feed+json'] as const;

/** Tried, in order, on the page's site when the page names no feed. */
export const COMMON_FEED_PATHS = ['/feed', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json'];

/** A feed a page names (or a common path worth trying). */
export interface FeedLink {
  url: string;
  /** The link's title, when the page gave one. */
  title: string | null;
  type: string;
}

/** Whether a fetched body is an HTML page rather than a feed. */
export function looksLikeHtml(body: Buffer, contentType: string | null): boolean {
  if (contentType && /\bx?html\b/i.test(contentType.split(';')[0] ?? '')) return true;
  const head = body
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  return /^(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>])/i.test(head);
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // Skip the tag name itself.
  const body = tag.replace(/^<\s*[a-z]+/i, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(re)) {
    const name = m[1]!.toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

/** The feeds a page names, in page order, with absolute URLs and no duplicates. */
export function feedLinksInHtml(html: string, pageUrl: string): FeedLink[] {
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  // <base href> changes what relative hrefs mean.
  const baseTag = /<base\b[^>]*>/i.exec(text);
  let base = pageUrl;
  const baseHref = baseTag ? attributes(baseTag[0]).get('href') : undefined;
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // an unusable <base> is ignored, as browsers do
    }
  }
  const found: FeedLink[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/<link\b[^>]*>/gi)) {
    const attrs = attributes(m[0]);
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (attrs.get('type') ?? '').toLowerCase().split(';')[0]!.trim();
    const href = attrs.get('href')?.trim();
    if (!rel.includes('alternate') || !href || !(FEED_TYPES as readonly string[]).includes(type)) continue;
    let url: string;
    try {
      url = new URL(href, base).href;
    } catch {
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    const title = attrs.get('title')?.trim();
    found.push({ url, title: title || null, type });
  }
  return found;
}

/** The common feed paths on the site of `pageUrl` (none for a local file). */
export function commonFeedLinks(pageUrl: string): FeedLink[] {
  const page = new URL(pageUrl);
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return [];
  return COMMON_FEED_PATHS.map((path) => ({
    url: new URL(path, page.origin).href,
    title: null,
    type: path.endsWith('.json') ? 'application/feed+json' : 'application/rss+xml',
  }));
}
