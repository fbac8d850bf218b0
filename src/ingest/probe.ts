// Look at a feed before it is added (`govwatch feeds add`, chat `/feeds add`): the URL
// passes the address guard unless private addresses are allowed, the feed is fetched and
// parsed once, and what the caller needs to save it comes back. Every failure is a
// UserError with one line that says what is wrong.
import type { FeedFormat } from '../model.ts';
import { UserError } from '../model.ts';
import { slugify as sourceSlug } from '../sources/schema.ts';
import { checkUrlAllowed } from './address-guard.ts';
import type { AddressClassifier, Resolver } from './address-guard.ts';
import { FeedParseError, FetchError } from './errors.ts';
import { fetchFeed } from './fetch.ts';
import type { FetchLimiter } from './limiter.ts';
import { parseFeedBytes } from './parse.ts';

export interface ProbeOptions {
  /** Operator-trusted URL, or GOVWATCH_ALLOW_PRIVATE_URLS=1: skip the address guard. */
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  limiter?: FetchLimiter;
  resolver?: Resolver;
  classify?: AddressClassifier;
  now?: Date;
}

export interface FeedProbe {
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
}

/** The sources.yaml slug of `text`, cut to 40 characters; `fallback` when nothing is left. */
export function slugify(text: string, fallback = 'feed'): string {
  return sourceSlug(text, 40) || fallback;
}

function suggestId(title: string, url: string): string {
  const host = new URL(url).hostname.replace(/^(www|feeds?|rss)\./, '');
  const fromHost = slugify(host.split('.').slice(0, -1).join('-') || host);
  const fromTitle = slugify(title, '');
  // Titles in other scripts slug to nothing useful; the host always works.
  return fromTitle.length >= 3 ? fromTitle : fromHost;
}

export async function probeFeed(url: string, opts: ProbeOptions = {}): Promise<FeedProbe> {
  const guard = { allowPrivate: opts.allowPrivate, resolver: opts.resolver, classify: opts.classify };
  if (!opts.allowPrivate) await checkUrlAllowed(url, guard);
  try {
    const fetched = await fetchFeed(url, {
      ...guard,
      guard: !opts.allowPrivate,
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      limiter: opts.limiter,
    });
    if (fetched.status !== 'ok') throw new UserError('feed-unavailable', `${url}: the server sent no feed`);
    const feed = parseFeedBytes(fetched.body, {
      contentType: fetched.contentType,
      baseUrl: fetched.finalUrl,
      now: opts.now,
    });
    const counts = new Map<string, number>();
    for (const item of feed.items) if (item.lang) counts.set(item.lang, (counts.get(item.lang) ?? 0) + 1);
    const language = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    const title = feed.title || new URL(fetched.finalUrl).hostname;
    return {
      finalUrl: fetched.finalUrl,
      title,
      link: feed.link,
      format: feed.format,
      itemCount: feed.items.length,
      language,
      suggestedId: suggestId(feed.title, fetched.finalUrl),
      charset: feed.charset,
    };
  } catch (err) {
    if (err instanceof FetchError) {
      const code = err.code === 'blocked-address' ? 'blocked-url' : 'feed-unavailable';
      throw new UserError(code, err.message);
    }
    if (err instanceof FeedParseError) throw new UserError('not-a-feed', `${url}: ${err.message}`);
    throw err;
  }
}
