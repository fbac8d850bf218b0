// From what a feed wrote (RawFeed, format-neutral) to NormalizedItem: absolute canonical
// URLs, plain-text titles and summaries, UTC dates (or first-seen time, flagged), a
// language, and stable ids chosen per feed.
import type { FeedFormat, NormalizedItem, ParsedFeed } from '../model.ts';
import { absoluteUrl, canonicalUrl } from './canonical-url.ts';
import { parseFeedDate } from './dates.ts';
import { cutAtSentence, foldWhitespace, htmlToText, titleToText } from './html-text.ts';
import { assignIds } from './item-id.ts';
import type { IdMode } from './item-id.ts';

/** Text as a feed gave it: markup to strip, or plain text. */
export interface RawText {
  value: string;
  html: boolean;
}

export interface RawItem {
  /** guid, atom:id, rdf:about or JSON Feed id, as written. */
  id: string | null;
  /** Link as written (may be relative) and the xml:base in scope for it, if any. */
  link: string | null;
  linkBase: string | null;
  title: RawText | null;
  summary: RawText | null;
  content: RawText | null;
  author: string | null;
  /** Candidate dates, best first (published before updated). */
  dates: (string | null)[];
  lang: string | null;
}

export interface RawFeed {
  format: FeedFormat;
  title: RawText | null;
  link: string | null;
  linkBase: string | null;
  ttlMinutes: number | null;
  lang: string | null;
  items: RawItem[];
}

export interface NormalizeOptions {
  /** The feed's own URL (final URL after redirects): base of relative links. */
  baseUrl?: string | null;
  /** First-seen time for items without a usable date. */
  now?: Date;
  /** Language of the source, used when the feed declares none. */
  language?: string | null;
  /** The feed's id mode from earlier polls: never go back to a better one. */
  idMode?: IdMode;
  /** Summary length target (default 500). */
  summaryMax?: number;
}

/** Dates further ahead than this are treated as unusable (feeds with broken clocks or zones). */
const MAX_FUTURE_MS = 48 * 3600_000;
const TITLE_FROM_SUMMARY_MAX = 120;

export function plainText(t: RawText | null | undefined): string {
  if (!t) return '';
  return t.html ? htmlToText(t.value) : foldWhitespace(t.value);
}

function titleText(t: RawText | null | undefined): string {
  if (!t) return '';
  return t.html ? titleToText(t.value) : foldWhitespace(t.value);
}

/** "jane@example.org (Jane Doe)" → "Jane Doe". */
export function cleanAuthor(raw: string | null | undefined): string | null {
  const s = foldWhitespace(raw ?? '');
  if (!s) return null;
  const m = /^\S+@\S+\s*\((.+)\)$/.exec(s);
  return m?.[1]?.trim() || s;
}

/** "en-US" → "en"; null when empty or not a language tag. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const m = /^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$/.exec(tag ?? '');
  return m?.[1]?.toLowerCase() ?? null;
}

function pickDate(candidates: (string | null)[], now: Date): { iso: string; raw: string | null } | null {
  for (const raw of candidates) {
    const d = parseFeedDate(raw);
    if (d && d.getTime() <= now.getTime() + MAX_FUTURE_MS && d.getUTCFullYear() >= 1990) {
      return { iso: d.toISOString(), raw };
    }
  }
  return null;
}

export function normalizeFeed(raw: RawFeed, opts: NormalizeOptions = {}): ParsedFeed {
  const now = opts.now ?? new Date();
  const baseUrl = opts.baseUrl ?? null;
  const feedLang = primaryLanguage(raw.lang) ?? primaryLanguage(opts.language);
  const summaryMax = opts.summaryMax ?? 500;

  const feedLink = absoluteUrl(raw.link, raw.linkBase ?? baseUrl);
  // Relative item links without an xml:base: Atom resolves them against the document (its
  // spec says so); RSS and JSON Feed have no rule, and their links are relative to the site
  // far more often than to the feed file, so the site's link comes first (as Miniflux does).
  // A feed read from a file has a file: URL, which no item link should resolve against.
  const docBase = baseUrl && /^https?:/i.test(baseUrl) ? baseUrl : null;
  const itemBase = raw.format.startsWith('atom') ? (docBase ?? feedLink) : (feedLink ?? docBase);

  const prepared = raw.items.map((item) => {
    const summaryText = plainText(item.summary) || plainText(item.content);
    let title = titleText(item.title);
    if (!title && summaryText) title = cutAtSentence(summaryText, TITLE_FROM_SUMMARY_MAX);
    const url = canonicalUrl(item.link, item.linkBase ?? itemBase);
    const date = pickDate(item.dates, now);
    return { item, title, summaryText, url, date };
  });
  const kept = prepared.filter((p) => p.title || p.url || p.summaryText);
  const { ids, mode } = assignIds(
    kept.map((p) => ({
      guid: p.item.id?.trim() || null,
      link: p.url,
      title: p.title,
      rawDate: p.date?.raw ?? null,
    })),
    opts.idMode,
  );

  const items: NormalizedItem[] = kept.map((p, index) => ({
    guid: ids[index] ?? '',
    title: p.title,
    url: p.url,
    author: cleanAuthor(p.item.author),
    summary: cutAtSentence(p.summaryText, summaryMax),
    published: p.date?.iso ?? now.toISOString(),
    publishedEstimated: !p.date,
    lang: primaryLanguage(p.item.lang) ?? feedLang,
  }));

  return {
    title: titleText(raw.title),
    link: feedLink,
    format: raw.format,
    items,
    ttlMinutes: raw.ttlMinutes,
    idMode: mode,
  };
}
