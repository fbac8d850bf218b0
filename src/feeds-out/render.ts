// Atom 1.0 (RFC 4287) and JSON Feed 1.1 documents from archived items. Feed text is
// untrusted: XML gets escaped text only (no markup passes through), characters XML 1.0
// forbids are dropped, and JSON is JSON.stringify's.
import type { StoredItem } from '../model.ts';
import { whyLines } from './select.ts';

export interface FeedMeta {
  /** A stable IRI for this feed (tag: URI). */
  id: string;
  title: string;
  description: string;
  /** This document's own URL. */
  selfUrl: string;
  /** The other format's URL (alternate). */
  alternateUrl: string;
  /** Newest first-seen time of the items, or a fixed time for an empty feed (ISO). */
  updated: string;
}

const TAG_AUTHORITY = 'tag:govwatch,2025:';

export function itemTagUri(id: number): string {
  return `${TAG_AUTHORITY}item:${id}`;
}

export function feedTagUri(path: string): string {
  return `${TAG_AUTHORITY}feed:${path}`;
}

// Allowed in XML 1.0: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, and astral characters.
const XML_FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function contentText(item: StoredItem): string {
  const why = whyLines(item);
  return [
    item.summary,
    `Source: ${item.sourceName}`,
    why.length
      ? `Why tagged:\n${why.map((l) => `- ${l}`).join('\n')}`
      : 'Why tagged: no theme or region matched.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

function themeLabel(id: string): string {
  return id
    .split('-')
    .map((w) => (w.length <= 2 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}

export function renderAtom(meta: FeedMeta, items: StoredItem[], themesScheme: string): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(meta.id)}</id>`,
    `  <title type="text">${xmlText(meta.title)}</title>`,
    `  <subtitle type="text">${xmlText(meta.description)}</subtitle>`,
    `  <updated>${meta.updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(meta.selfUrl)}"/>`,
    `  <link rel="alternate" type="application/feed+json" href="${xmlText(meta.alternateUrl)}"/>`,
    '  <author><name>govwatch</name></author>',
    '  <generator>govwatch</generator>',
  ];
  for (const item of items) {
    const url = safeHttpUrl(item.url);
    out.push(
      '  <entry>',
      `    <id>${itemTagUri(item.id)}</id>`,
      `    <title type="text">${xmlText(item.title || '(untitled)')}</title>`,
      `    <updated>${item.published}</updated>`,
      `    <published>${item.published}</published>`,
      `    <author><name>${xmlText(item.author || item.sourceName)}</name></author>`,
    );
    if (url) out.push(`    <link rel="alternate" type="text/html" href="${xmlText(url)}"/>`);
    for (const t of item.themes) {
      out.push(
        `    <category term="${xmlText(t)}" scheme="${xmlText(themesScheme)}" label="${xmlText(themeLabel(t))}"/>`,
      );
    }
    for (const r of item.regions)
      out.push(`    <category term="${xmlText(r)}" scheme="urn:iso:std:iso:3166"/>`);
    if (item.summary) out.push(`    <summary type="text">${xmlText(item.summary)}</summary>`);
    out.push(`    <content type="text">${xmlText(contentText(item))}</content>`, '  </entry>');
  }
  out.push('</feed>', '');
  return out.join('\n');
}

export function renderJsonFeed(meta: FeedMeta, items: StoredItem[]): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: meta.title,
      feed_url: meta.selfUrl,
      description: meta.description,
      authors: [{ name: 'govwatch' }],
      items: items.map((item) => {
        const url = safeHttpUrl(item.url);
        return {
          id: itemTagUri(item.id),
          ...(url ? { url } : {}),
          title: item.title || '(untitled)',
          content_text: contentText(item),
          ...(item.summary ? { summary: item.summary } : {}),
          date_published: item.published,
          authors: [{ name: item.author || item.sourceName }],
          tags: [...item.themes, ...item.regions],
          ...(item.lang ? { language: item.lang } : {}),
          // JSON Feed extensions start with an underscore.
          _govwatch: {
            item_id: item.id,
            source: { id: item.feedId, name: item.sourceName },
            themes: item.themes,
            regions: item.regions,
            why: item.why,
          },
        };
      }),
    },
    null,
    2,
  );
}
