// Feed documents to ParsedFeed: detect the format by content (RSS 0.9x, RSS 1.0/RDF,
// RSS 2.0, Atom 0.3/1.0, JSON Feed 1.x), read each format's fields into a RawFeed, then
// normalize. Anything else fails with a FeedParseError whose message is one clear line.
import type { FeedFormat, ParsedFeed } from '../model.ts';
import { decodeFeed } from './decode.ts';
import { FeedParseError } from './errors.ts';
import type { IdMode } from './item-id.ts';
import { normalizeFeed } from './normalize.ts';
import type { RawFeed, RawItem, RawText } from './normalize.ts';
import { NS, childElements, innerXml, parseXml, textContent } from './xml.ts';
import type { XmlElement } from './xml.ts';

export interface ParseOptions {
  /** The feed's URL (after redirects): base for relative links. */
  baseUrl?: string | null;
  /** First-seen time for undated items; defaults to the current time. */
  now?: Date;
  /** Language of the source (feeds/sources.yaml), used when the feed declares none. */
  language?: string | null;
  /** Alias of `language`. */
  sourceLanguage?: string | null;
  /** The feed's id mode from earlier polls (FeedState.idMode): ids never get less stable. */
  idMode?: IdMode;
}

// ---------------------------------------------------------------- element helpers

type NsTest = (el: XmlElement) => boolean;
const inNs =
  (...uris: string[]): NsTest =>
  (el) =>
    uris.includes(el.ns);
/** RSS core elements: unprefixed (RSS 0.9x/2.0 have no namespace, RSS 1.0 a default one). */
const core: NsTest = (el) => !el.name.includes(':');
const atom = inNs(NS.atom10, NS.atom03);

function child(el: XmlElement, local: string, test: NsTest): XmlElement | undefined {
  return childElements(el).find((c) => c.local === local && test(c));
}
function children(el: XmlElement, local: string, test: NsTest): XmlElement[] {
  return childElements(el).filter((c) => c.local === local && test(c));
}
function text(el: XmlElement | undefined): string | null {
  if (!el) return null;
  const t = textContent(el).trim();
  return t || null;
}
/** Content that may be escaped HTML or HTML written as elements. */
function markup(el: XmlElement | undefined): RawText | null {
  if (!el) return null;
  const value = childElements(el).length ? innerXml(el) : textContent(el);
  return value.trim() ? { value, html: true } : null;
}
function attr(el: XmlElement, local: string): string | undefined {
  if (el.attrs[local] !== undefined) return el.attrs[local];
  const key = Object.keys(el.attrs).find((k) => k.endsWith(`:${local}`));
  return key === undefined ? undefined : el.attrs[key];
}

// ---------------------------------------------------------------- format detection

function detectFormat(root: XmlElement, doctype: string | null): FeedFormat {
  const local = root.local;
  if (local === 'rss') return /^0\.9/.test(root.attrs.version ?? '') ? 'rss0.9x' : 'rss2.0';
  if (local === 'RDF') {
    const rss090 = childElements(root).some((c) => c.ns === NS.rss090);
    const rss10 = childElements(root).some((c) => c.local === 'channel' || c.local === 'item');
    if (rss090) return 'rss0.9x';
    if (rss10) return 'rss1.0';
    throw new FeedParseError('not-a-feed', 'not a feed: RDF document without an RSS channel or items');
  }
  if (local === 'feed') return root.ns === NS.atom03 || root.attrs.version === '0.3' ? 'atom0.3' : 'atom1.0';
  if (local.toLowerCase() === 'html' || doctype === 'html') {
    throw new FeedParseError('not-a-feed', 'not a feed: an HTML page (XHTML)');
  }
  throw new FeedParseError(
    'not-a-feed',
    `not a feed: root element <${root.name}> is not <rss>, <rdf:RDF> or <feed>`,
  );
}

// ---------------------------------------------------------------- RSS 0.9x / 1.0 / 2.0

function rssLink(el: XmlElement): { link: string | null; base: string | null } {
  const coreLink = child(el, 'link', core);
  const value = text(coreLink);
  if (value && coreLink) return { link: value, base: coreLink.base };
  const alt = children(el, 'link', atom).find(
    (l) => (l.attrs.rel ?? 'alternate') === 'alternate' && l.attrs.href,
  );
  if (alt) return { link: alt.attrs.href ?? null, base: alt.base };
  return { link: null, base: null };
}

function rssItem(el: XmlElement): RawItem {
  const { link, base } = rssLink(el);
  const guidEl = child(el, 'guid', core);
  const guid = text(guidEl) ?? attr(el, 'about')?.trim() ?? null;
  // A permalink guid is the item's link when the item has no <link>.
  const permalink =
    !link && guidEl && guidEl.attrs.isPermaLink !== 'false' && guid && /^https?:\/\//i.test(guid)
      ? guid
      : null;
  return {
    id: guid,
    link: link ?? permalink,
    linkBase: link ? base : (guidEl?.base ?? el.base),
    title: markup(child(el, 'title', core)),
    summary:
      markup(child(el, 'description', core)) ??
      markup(child(el, 'summary', atom)) ??
      markup(child(el, 'description', inNs(NS.media))),
    content: markup(child(el, 'encoded', inNs(NS.content))) ?? markup(child(el, 'content', atom)),
    author: text(child(el, 'creator', inNs(NS.dc))) ?? text(child(el, 'author', core)) ?? atomAuthor(el),
    dates: [
      text(child(el, 'pubDate', core)),
      text(child(el, 'date', inNs(NS.dc))),
      text(child(el, 'issued', inNs(NS.dcterms))),
      text(child(el, 'published', atom)),
      text(child(el, 'updated', atom)),
      text(child(el, 'modified', inNs(NS.dcterms))),
    ],
    lang: el.lang,
  };
}

function rssFeed(root: XmlElement, format: FeedFormat): RawFeed {
  const isRdf = root.local === 'RDF';
  const channel = child(root, 'channel', isRdf ? () => true : core);
  if (!channel) throw new FeedParseError('not-a-feed', `not a feed: <${root.name}> without a <channel>`);
  // RDF feeds list items beside the channel; some RSS 0.9x feeds do the same.
  const itemEls = [...children(channel, 'item', core), ...children(root, 'item', isRdf ? () => true : core)];
  const { link, base } = rssLink(channel);
  const ttl = Number.parseInt(text(child(channel, 'ttl', core)) ?? '', 10);
  return {
    format,
    title: markup(child(channel, 'title', core)),
    link,
    linkBase: base,
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    lang:
      text(child(channel, 'language', core)) ?? text(child(channel, 'language', inNs(NS.dc))) ?? root.lang,
    items: itemEls.map(rssItem),
  };
}

// ---------------------------------------------------------------- Atom 0.3 / 1.0

/** An Atom text construct: type text/html/xhtml (1.0) or MIME type and mode (0.3). */
function atomText(el: XmlElement | undefined): RawText | null {
  if (!el) return null;
  const type = (el.attrs.type ?? 'text').toLowerCase();
  const mode = (el.attrs.mode ?? '').toLowerCase();
  const isXhtml = type === 'xhtml' || type === 'application/xhtml+xml' || mode === 'xml';
  if (isXhtml) {
    const kids = childElements(el);
    const div = kids.length === 1 && kids[0]?.local === 'div' ? kids[0] : el;
    const value = innerXml(div);
    return value.trim() ? { value, html: true } : null;
  }
  let value = textContent(el);
  if (mode === 'base64') value = Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!value.trim()) return null;
  const html = type === 'html' || type === 'text/html' || mode === 'escaped' || childElements(el).length > 0;
  return { value: childElements(el).length ? innerXml(el) : value, html };
}

function atomLink(el: XmlElement): { link: string | null; base: string | null } {
  const links = children(el, 'link', atom).filter((l) => l.attrs.href);
  const alternates = links.filter((l) => (l.attrs.rel ?? 'alternate') === 'alternate');
  const best = alternates.find((l) => /html/i.test(l.attrs.type ?? 'text/html')) ?? alternates[0];
  return best ? { link: best.attrs.href ?? null, base: best.base } : { link: null, base: null };
}

function atomAuthor(el: XmlElement | undefined): string | null {
  if (!el) return null;
  const authors = children(el, 'author', atom);
  const names = authors
    .map((a) => text(child(a, 'name', atom)) ?? text(child(a, 'email', atom)))
    .filter(Boolean);
  return names.length ? names.join(', ') : null;
}

function atomEntry(el: XmlElement, feed: XmlElement): RawItem {
  const { link, base } = atomLink(el);
  return {
    id: text(child(el, 'id', atom)),
    link,
    linkBase: base,
    title: atomText(child(el, 'title', atom)),
    summary: atomText(child(el, 'summary', atom)),
    content: atomText(child(el, 'content', atom)),
    author: atomAuthor(el) ?? atomAuthor(child(el, 'source', atom)) ?? atomAuthor(feed),
    dates: [
      text(child(el, 'published', atom)),
      text(child(el, 'issued', atom)),
      text(child(el, 'created', atom)),
      text(child(el, 'updated', atom)),
      text(child(el, 'modified', atom)),
      text(child(el, 'date', inNs(NS.dc))),
    ],
    lang: el.lang,
  };
}

function atomFeed(root: XmlElement, format: FeedFormat): RawFeed {
  const { link, base } = atomLink(root);
  return {
    format,
    title: atomText(child(root, 'title', atom)),
    link,
    linkBase: base,
    ttlMinutes: null,
    lang: root.lang,
    items: children(root, 'entry', atom).map((e) => atomEntry(e, root)),
  };
}

// ---------------------------------------------------------------- JSON Feed

type Json = Record<string, unknown>;
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null;
const obj = (v: unknown): Json | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;

function jsonAuthor(o: Json): string | null {
  const list = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : [];
  const names = list.map((a) => str(obj(a)?.name)).filter(Boolean);
  return names.length ? names.join(', ') : null;
}

function jsonFeed(text: string): RawFeed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new FeedParseError('json-error', `not a feed: invalid JSON: ${detail}`);
  }
  const feed = obj(data);
  const version = str(feed?.version) ?? '';
  if (!feed || !/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/.test(version.trim())) {
    throw new FeedParseError('not-a-feed', 'not a feed: JSON without a jsonfeed.org "version"');
  }
  if (!Array.isArray(feed.items))
    throw new FeedParseError('not-a-feed', 'not a feed: JSON Feed without "items"');
  const feedAuthor = jsonAuthor(feed);
  const items: RawItem[] = feed.items
    .map(obj)
    .filter((i): i is Json => i !== null)
    .map((i) => {
      const html = str(i.content_html);
      const plain = str(i.content_text);
      const summary = str(i.summary);
      return {
        id: str(i.id),
        link: str(i.url) ?? str(i.external_url),
        linkBase: null,
        title: str(i.title) ? { value: str(i.title) ?? '', html: false } : null,
        summary: summary ? { value: summary, html: false } : null,
        content: html ? { value: html, html: true } : plain ? { value: plain, html: false } : null,
        author: jsonAuthor(i) ?? feedAuthor,
        dates: [str(i.date_published), str(i.date_modified)],
        lang: str(i.language),
      };
    });
  return {
    format: 'json1.1',
    title: str(feed.title) ? { value: str(feed.title) ?? '', html: false } : null,
    link: str(feed.home_page_url),
    linkBase: null,
    ttlMinutes: null,
    lang: str(feed.language),
    items,
  };
}

// ---------------------------------------------------------------- entry points

const PROLOG = /^(?:\s+|<\?xml[^>]*>|<!--[^]*?-->)*/;
const HTML_START = /^(?:<!doctype\s+html\b|<(?:html|head|body|meta|title|script|div|p|table|link)\b)/i;

/** Read a feed document (already decoded to text) into RawFeed, without normalizing. */
export function readFeed(input: string, baseUrl: string | null = null): RawFeed {
  const text = input.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (!start) throw new FeedParseError('not-a-feed', 'not a feed: empty document');
  if (start[0] === '{') return jsonFeed(start);
  if (start[0] !== '<') {
    const head = JSON.stringify(start.slice(0, 40));
    throw new FeedParseError('not-a-feed', `not a feed: neither XML nor JSON (starts with ${head})`);
  }
  const afterProlog = start.slice(0, 4096).replace(PROLOG, '');
  if (HTML_START.test(afterProlog)) throw new FeedParseError('not-a-feed', 'not a feed: an HTML page');
  const { root, doctype } = parseXml(text, { baseUrl });
  const format = detectFormat(root, doctype);
  return format.startsWith('atom') ? atomFeed(root, format) : rssFeed(root, format);
}

/** Parse and normalize a decoded feed document. Throws FeedParseError. */
export function parseFeed(text: string, opts: ParseOptions = {}): ParsedFeed {
  const raw = readFeed(text, opts.baseUrl ?? null);
  return normalizeFeed(raw, {
    baseUrl: opts.baseUrl ?? null,
    now: opts.now ?? new Date(),
    language: opts.language ?? opts.sourceLanguage ?? null,
    idMode: opts.idMode,
  });
}

export interface ParseBytesOptions extends ParseOptions {
  /** The HTTP Content-Type header value (its charset parameter is honoured), if any. */
  contentType?: string | null;
}

/** Decode bytes (BOM, HTTP charset, XML declaration, detection), then parse and normalize. */
export function parseFeedBytes(
  body: Buffer,
  opts: ParseBytesOptions = {},
): ParsedFeed & { charset: string; charsetSource: string } {
  const decoded = decodeFeed(body, opts.contentType ?? null);
  return { ...parseFeed(decoded.text, opts), charset: decoded.charset, charsetSource: decoded.source };
}
