import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/model.ts';
import type { FeedSource } from '../../src/model.ts';
import { loadSources } from '../../src/sources/load.ts';
import { GOVWATCH_OPML_NS, exportOpml, importOpml, importOpmlBytes } from '../../src/sources/opml.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const shipped = loadSources(fileURLToPath(new URL('../../feeds/sources.yaml', import.meta.url)));

function rejection(text: string): UserError {
  try {
    importOpml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected the OPML to be refused');
}

describe('OPML import', () => {
  it('reads a reader export with nested folders, taking kind hints from the innermost folder', () => {
    const { sources, skipped } = importOpml(fixture('reader-export-nested.opml'));
    expect(skipped).toEqual([]);
    const byUrl = new Map(sources.map((s) => [s.url, s]));
    expect(sources).toHaveLength(9);
    expect(byUrl.get('https://www.ietf.org/blog/feed/')).toEqual({
      id: 'ietf-blog',
      name: 'IETF Blog',
      url: 'https://www.ietf.org/blog/feed/',
      kind: 'standards',
      language: 'und',
      origin: 'operator',
      homepage: 'https://www.ietf.org/blog/',
      // The folder "Standards" is also a theme id.
      themes: ['standards'],
    });
    // W3C sits in a sub-folder of "Standards": the parent's hint carries down.
    expect(byUrl.get('https://www.w3.org/news/feed/')?.kind).toBe('standards');
    expect(byUrl.get('https://www.eff.org/rss/updates.xml')?.kind).toBe('rights');
    expect(byUrl.get('https://www.laquadrature.net/feed/')).toMatchObject({ kind: 'rights', language: 'fr' });
    // Reader-style language tags are normalised to BCP 47.
    expect(byUrl.get('https://roskomsvoboda.org/feed/')?.language).toBe('ru-RU');
    expect(byUrl.get('https://chinadigitaltimes.net/chinese/feed/')?.language).toBe('zh-CN');
    // The `category` attribute hints too; a folder named after a theme gives that theme.
    expect(byUrl.get('https://www.edpb.europa.eu/feed/news_en')?.kind).toBe('government');
    expect(byUrl.get('https://privacyinternational.org/rss.xml')?.themes).toEqual(['privacy']);
    expect(byUrl.get('https://spectrum.ieee.org/feeds/feed.rss')?.kind).toBe('media');
  });

  it('derives a slug id from a non-Latin title via the host name', () => {
    const { sources } = importOpml(fixture('reader-export-nested.opml'));
    const ids = sources.map((s) => s.id);
    expect(ids).toContain('chinadigitaltimes-net');
    expect(ids).toContain('roskomsvoboda-org');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads OPML 1.0 with odd casing, entities and CRLF, and says which outlines it skipped and where', () => {
    const { sources, skipped } = importOpml(fixture('opml1-odd.opml'));
    expect(sources.map((s) => [s.id, s.name, s.url, s.kind])).toEqual([
      [
        'datatracker-ietf-org',
        'datatracker.ietf.org',
        'https://datatracker.ietf.org/feed/last-call/',
        'standards',
      ],
      ['rfc-editor', 'RFC Editor', 'https://www.rfc-editor.org/rfcrss.xml', 'standards'],
      ['news-views-weekly', 'News & "Views" – Weekly', 'https://news.example/rss?a=1&b=2', 'media'],
    ]);
    expect(skipped).toEqual([
      { line: 10, reason: '"Bookmarks": no xmlUrl, not a feed' },
      { line: 11, reason: '"Shared list": included OPML files are not fetched' },
      { line: 12, reason: '"Empty folder": no xmlUrl, not a feed' },
      {
        line: 13,
        reason: '"Local file": bad URL "file:///home/me/feed.xml": only http and https feeds are supported',
      },
      { line: 15, reason: '"Same again": duplicate feed, same URL as line 14' },
    ]);
  });

  it('skips feeds that are already configured and never reuses their ids', () => {
    const existing: FeedSource[] = [
      {
        id: 'ietf-blog',
        name: 'IETF',
        url: 'https://example.org/other-feed',
        kind: 'standards',
        language: 'en',
        origin: 'operator',
      },
      {
        id: 'eff',
        name: 'EFF',
        url: 'https://www.eff.org/rss/updates.xml',
        kind: 'rights',
        language: 'en',
        origin: 'operator',
      },
    ];
    const { sources, skipped } = importOpml(fixture('reader-export-nested.opml'), {
      existing,
      origin: 'chat',
    });
    expect(sources.find((s) => s.url === 'https://www.ietf.org/blog/feed/')?.id).toBe('ietf-blog-2');
    expect(sources.some((s) => s.url === 'https://www.eff.org/rss/updates.xml')).toBe(false);
    expect(skipped).toEqual([
      { line: 15, reason: '"EFF Deeplinks": duplicate feed, already configured as "eff"' },
    ]);
    expect(new Set(sources.map((s) => s.origin))).toEqual(new Set(['chat']));
  });

  it('decodes bytes by their XML declaration', () => {
    const text =
      '<?xml version="1.0" encoding="windows-1251"?>\n<opml version="1.0"><body><outline text="Свобода" xmlUrl="https://s.example/rss"/></body></opml>';
    const { sources } = importOpmlBytes(iconv.encode(text, 'windows-1251'));
    expect(sources[0]?.name).toBe('Свобода');
  });

  it.each([
    [
      'an entity-expansion bomb',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><opml><body><outline text="&lol2;" xmlUrl="https://x.example/"/></body></opml>',
      /declares XML entities; refused/,
    ],
    [
      'an external entity',
      '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><opml><body><outline text="&xxe;" xmlUrl="https://x.example/"/></body></opml>',
      /declares XML entities; refused/,
    ],
    [
      'broken XML',
      '<opml version="2.0">\n<body>\n<outline text="a">\n</body></opml>',
      /not well-formed XML at line \d+/,
    ],
    [
      'an RSS feed instead of OPML',
      '<rss version="2.0"><channel><title>x</title></channel></rss>',
      /not an OPML document \(root element is <rss>\)/,
    ],
  ])('refuses %s', (_name, text, message) => {
    const error = rejection(text);
    expect(error.code).toBe('invalid_opml');
    expect(error.message).toMatch(message);
  });

  it('returns nothing, without error, for an OPML with an empty body', () => {
    expect(importOpml('<opml version="2.0"><head/><body/></opml>')).toEqual({ sources: [], skipped: [] });
  });
});

describe('OPML export', () => {
  const now = new Date('2026-11-26T08:00:00Z');

  it('round-trips every field of every shipped source through import', () => {
    const back = importOpml(exportOpml(shipped, { now }));
    expect(back.skipped).toEqual([]);
    const byId = (list: FeedSource[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(back.sources)).toEqual(byId(shipped));
  });

  it('round-trips names and URLs that need escaping', () => {
    const awkward: FeedSource[] = [
      {
        id: 'awkward',
        name: 'Quotes "and" <tags> & ampersands\tand a\nnewline',
        url: 'https://a.example/feed?x=1&y=<2>&z="3"',
        homepage: 'https://a.example/?q=a&b',
        kind: 'government',
        language: 'pt-BR',
        themes: ['privacy', 'ai-governance'],
        origin: 'operator',
      },
    ];
    const back = importOpml(exportOpml(awkward, { now })).sources;
    expect(back).toEqual([{ ...awkward[0], name: 'Quotes "and" <tags> & ampersands and a newline' }]);
  });

  it('writes OPML 2.0 that a generic reader sees as folders of rss outlines', () => {
    const xml = exportOpml(shipped, { now, title: 'My govwatch' });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    expect(doc.opml['@version']).toBe('2.0');
    expect(doc.opml[`@xmlns:govwatch`]).toBe(GOVWATCH_OPML_NS);
    expect(doc.opml.head.title).toBe('My govwatch');
    expect(doc.opml.head.dateCreated).toBe('Thu, 26 Nov 2026 08:00:00 GMT');
    const folders = doc.opml.body.outline as Array<{
      '@text': string;
      outline: Array<Record<string, string>>;
    }>;
    expect(folders.map((f) => f['@text'])).toEqual([
      'Standards bodies',
      'Rights groups',
      'Governments and regulators',
      'News media',
    ]);
    const feeds = folders.flatMap((f) => f.outline);
    expect(feeds).toHaveLength(shipped.length);
    for (const feed of feeds) {
      expect(feed['@type']).toBe('rss');
      expect(feed['@text']).toBeTruthy();
      expect(feed['@xmlUrl']).toMatch(/^https:\/\//);
    }
  });
});
