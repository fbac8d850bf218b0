// Look at a feed before it is added (`govwatch feeds add`, chat `/feeds add`). What people
// paste is often the site's page rather than its feed, so a web page is searched for the
// feeds it names (<link rel="alternate">), or the common feed paths are tried on its site;
// the first that parses is chosen and the others are reported. Untrusted URLs (chat) pass
// the address guard on every fetch, discovery included; local files (a path or file://)
// are for the operator's command line only. Every failure is a UserError with one line.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FeedFormat, ParsedFeed } from '../model.ts';
import { UserError } from '../model.ts';
import { slugify as sourceSlug } from '../sources/schema.ts';
import { checkUrlAllowed } from './address-guard.ts';
import type { AddressClassifier, Resolver } from './address-guard.ts';
import { commonFeedLinks, feedLinksInHtml, looksLikeHtml, type FeedLink } from './discover.ts';
import { FeedParseError, FetchError } from './errors.ts';
import { fetchFeed, type FetchedFeed } from './fetch.ts';
import type { FetchLimiter } from './limiter.ts';
import { parseFeedBytes } from './parse.ts';

export interface ProbeOptions {
  /** Operator-trusted URL, or GOVWATCH_ALLOW_PRIVATE_URLS=1: skip the address guard. */
  allowPrivate?: boolean;
  /** The operator's command line: a path or file:// URL reads a local file. Never for chat. */
  allowLocalFiles?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  limiter?: FetchLimiter;
  resolver?: Resolver;
  classify?: AddressClassifier;
  now?: Date;
}

export interface FeedProbe {
  /** The feed's URL, to follow: what was given, or the feed found through the page given. */
  url: string;
  /** URL after redirects. */
  finalUrl: string;
  title: string;
  link: string | null;
  format: FeedFormat;
  itemCount: number;
  /** Most common item language (feed's or items' own), or null. */
  language: string | null;
  /** A short id for sources.yaml, from the title or host: `eff-deeplinks`. */
  suggestedId: string;
  charset: string;
  /** The page the feed was found through, or null when the URL given is the feed. */
  foundVia: string | null;
  /** Other feeds the page named, not chosen. */
  otherFeeds: FeedLink[];
}

/** At most this many feeds a page names are tried before giving up. */
const MAX_CANDIDATES = 5;

/** The sources.yaml slug of `text`, cut to 40 characters; `fallback` when nothing is left. */
export function slugify(text: string, fallback = 'feed'): string {
  return sourceSlug(text, 40) || fallback;
}

function suggestId(title: string, url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^(www|feeds?|rss)\./, '');
  const base =
    parsed.protocol === 'file:' ? (parsed.pathname.split('/').pop() ?? '').replace(/\.[^.]*$/, '') : '';
  const fromHost = slugify(base || host.split('.').slice(0, -1).join('-') || host);
  const fromTitle = slugify(title, '');
  // Titles in other scripts slug to nothing useful; the host always works.
  return fromTitle.length >= 3 ? fromTitle : fromHost;
}

/** What was typed, as a URL: http(s) as is; for the operator also file:// or a path. */
function inputUrl(input: string, allowLocal: boolean): string {
  const trimmed = input.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  if (allowLocal) return /^file:/i.test(trimmed) ? trimmed : pathToFileURL(resolve(trimmed)).href;
  return trimmed; // the guard refuses it with its reason
}

function toUserError(err: unknown, url: string): unknown {
  if (err instanceof FetchError) {
    const code = err.code === 'blocked-address' ? 'blocked-url' : 'feed-unavailable';
    return new UserError(code, err.message);
  }
  if (err instanceof FeedParseError) return new UserError('not-a-feed', `${url}: ${err.message}`);
  return err;
}

export async function probeFeed(input: string, opts: ProbeOptions = {}): Promise<FeedProbe> {
  const allowLocal = Boolean(opts.allowLocalFiles);
  const url = inputUrl(input, allowLocal);
  const guard = { allowPrivate: opts.allowPrivate, resolver: opts.resolver, classify: opts.classify };
  const isLocal = /^file:/i.test(url);
  if (!isLocal && !opts.allowPrivate) await checkUrlAllowed(url, guard);
  if (isLocal && !allowLocal)
    throw new UserError('blocked-url', `${url} is not allowed: only http and https URLs`);

  const load = async (target: string): Promise<FetchedFeed> => {
    const fetched = await fetchFeed(target, {
      ...guard,
      // A local file is read only for the operator (checked above and when choosing candidates).
      guard: !opts.allowPrivate && !(allowLocal && /^file:/i.test(target)),
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      limiter: opts.limiter,
    });
    if (fetched.status !== 'ok')
      throw new UserError('feed-unavailable', `${target}: the server sent no feed`);
    return fetched;
  };
  const parse = (fetched: FetchedFeed): ParsedFeed & { charset: string } =>
    parseFeedBytes(fetched.body, {
      contentType: fetched.contentType,
      baseUrl: fetched.finalUrl,
      now: opts.now,
    });

  let page: FetchedFeed;
  try {
    page = await load(url);
  } catch (err) {
    throw toUserError(err, url);
  }
  try {
    return describe(url, page, parse(page), null, []);
  } catch (err) {
    if (!(err instanceof FeedParseError) || !looksLikeHtml(page.body, page.contentType)) {
      throw toUserError(err, url);
    }
  }

  // A web page: the feeds it names, else the common paths on its site. Only a local page
  // may lead to local files (a remote page naming file:///… is ignored).
  const named = feedLinksInHtml(page.body.toString('utf8'), page.finalUrl).filter(
    (l) => /^https?:/i.test(l.url) || (isLocal && /^file:/i.test(l.url)),
  );
  const candidates = (named.length ? named : commonFeedLinks(page.finalUrl)).slice(0, MAX_CANDIDATES);
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const fetched = await load(candidate.url);
      const others = named.filter((l) => l.url !== candidate.url);
      return describe(candidate.url, fetched, parse(fetched), url, others);
    } catch (err) {
      const e = toUserError(err, candidate.url);
      if (!(e instanceof UserError)) throw e;
      failures.push(e.message);
    }
  }
  if (named.length) {
    throw new UserError(
      'not-a-feed',
      `${url} is a web page naming ${named.length} feed(s), none usable: ${failures[0] ?? 'no answer'}`,
    );
  }
  const tried = candidates.map((c) => new URL(c.url).pathname).join(', ');
  throw new UserError(
    'not-a-feed',
    `${url} is a web page that names no feed (<link rel="alternate">)` +
      (tried ? ` and its site has none at ${tried}` : '') +
      '; give the feed URL itself',
  );
}

function describe(
  url: string,
  fetched: FetchedFeed,
  feed: ParsedFeed & { charset: string },
  foundVia: string | null,
  otherFeeds: FeedLink[],
): FeedProbe {
  const counts = new Map<string, number>();
  for (const item of feed.items) if (item.lang) counts.set(item.lang, (counts.get(item.lang) ?? 0) + 1);
  const language = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const title = feed.title || new URL(fetched.finalUrl).hostname || 'feed';
  return {
    url,
    finalUrl: fetched.finalUrl,
    title,
    link: feed.link,
    format: feed.format,
    itemCount: feed.items.length,
    language,
    suggestedId: suggestId(feed.title, fetched.finalUrl),
    charset: feed.charset,
    foundVia,
    otherFeeds,
  };
}

/** `base`, or `base-2`, `base-3` … : the first id not in `taken`. */
export function freeId(base: string, taken: ReadonlySet<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 60)}-${n}`;
  return id;
}

/** One line on what discovery chose, for replies: empty when the URL given was the feed. */
export function discoveryNote(probe: FeedProbe): string {
  if (!probe.foundVia) return '';
  const others = probe.otherFeeds.map((f) => (f.title ? `${f.url} (${f.title})` : f.url));
  return (
    `the feed ${probe.url} was found on ${probe.foundVia}` +
    (others.length ? `; the page also names ${others.join(', ')}` : '')
  );
}
