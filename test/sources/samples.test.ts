// Checks the sample feeds as files: that the index points at them, that they are in the
// encodings and formats it claims, and that the stories planted for clustering are there.
// Parsing them as feeds is the ingest tests' business.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadSampleIndex, sampleSources } from '../../src/sources/samples.ts';
import type { SampleFeed } from '../../src/sources/samples.ts';

const DIR = fileURLToPath(new URL('../../feeds/samples/', import.meta.url));
const index = loadSampleIndex(DIR);
const bytesOf = (s: SampleFeed): Buffer => readFileSync(join(DIR, s.file));
const textOf = (s: SampleFeed): string => iconv.decode(bytesOf(s), s.encoding);

function itemCount(s: SampleFeed, text: string): number {
  if (s.format === 'json1.1') return (JSON.parse(text) as { items: unknown[] }).items.length;
  return (text.match(s.format.startsWith('atom') ? /<entry[\s>]/g : /<item[\s>]/g) ?? []).length;
}

function datesOf(s: SampleFeed, text: string): string[] {
  if (s.format === 'json1.1') {
    return (JSON.parse(text) as { items: Array<{ date_published?: string }> }).items.flatMap(
      (i) => i.date_published ?? [],
    );
  }
  const tag = {
    'rss2.0': 'pubDate',
    'rss0.9x': 'pubDate',
    'rss1.0': 'dc:date',
    'atom1.0': 'published',
    'atom0.3': 'issued',
  }[s.format];
  return [...text.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, 'g'))].map((m) => m[1]!);
}

describe('feeds/samples/index.yaml', () => {
  it('lists 10 or more samples, each an existing file with a unique id', () => {
    expect(index.samples.length).toBeGreaterThanOrEqual(10);
    for (const s of index.samples) expect(existsSync(join(DIR, s.file)), s.file).toBe(true);
    expect(new Set(index.samples.map((s) => s.id)).size).toBe(index.samples.length);
  });

  it('covers every feed format and the required languages and encodings', () => {
    expect(new Set(index.samples.map((s) => s.format))).toEqual(
      new Set(['rss2.0', 'rss1.0', 'atom1.0', 'atom0.3', 'json1.1']),
    );
    for (const lang of ['en', 'ru', 'zh', 'de', 'fr', 'es', 'ar'])
      expect(index.samples.map((s) => s.language)).toContain(lang);
    expect(index.samples.map((s) => s.encoding)).toEqual(expect.arrayContaining(['windows-1251', 'gb18030']));
    expect(index.samples.some((s) => !/charset=/i.test(s.contentType))).toBe(true);
  });

  it('turns samples into operator sources served under a base URL', () => {
    const sources = sampleSources(index, 'http://127.0.0.1:5555/');
    expect(sources).toHaveLength(index.samples.length);
    expect(sources[0]).toMatchObject({
      url: `http://127.0.0.1:5555/${index.samples[0]!.file}`,
      origin: 'operator',
    });
  });
});

describe.each(index.samples.map((s) => [s.file, s] as const))('sample %s', (_file, sample) => {
  const bytes = bytesOf(sample);
  const text = textOf(sample);

  it('is in the encoding the index gives, and says so itself', () => {
    const validUtf8 = (() => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        return true;
      } catch {
        return false;
      }
    })();
    expect(validUtf8).toBe(sample.encoding === 'utf-8');
    if (sample.format !== 'json1.1') {
      const declared = /^<\?xml[^>]*encoding="([^"]+)"/.exec(text)?.[1];
      expect(declared?.toLowerCase()).toBe(sample.encoding);
    }
    const script = { ru: /[а-яё]/i, zh: /[\u4e00-\u9fff]/, ar: /[\u0600-\u06ff]/ }[
      sample.language as 'ru' | 'zh' | 'ar'
    ];
    if (script) expect(text).toMatch(script);
  });

  it(`holds the number of items the index gives`, () => {
    expect(itemCount(sample, text)).toBe(sample.items);
  });

  it('dates its items in November 2026, before the reference date', () => {
    const dates = datesOf(sample, text);
    expect(dates.length).toBeGreaterThan(0);
    for (const d of dates) {
      const t = Date.parse(d);
      expect(Number.isNaN(t), d).toBe(false);
      expect(t).toBeGreaterThanOrEqual(Date.parse('2026-11-01T00:00:00Z'));
      expect(t).toBeLessThan(Date.parse(index.referenceDate));
    }
  });
});

describe('what the samples give the rest of the pipeline to work on', () => {
  const all = index.samples.map((s) => ({ sample: s, text: textOf(s) }));

  it('includes an item without a date', () => {
    const undated = all.filter(
      ({ sample, text }) => sample.format === 'rss2.0' && datesOf(sample, text).length < sample.items,
    );
    expect(undated.length).toBeGreaterThan(0);
  });

  it('includes links with utm_ tracking parameters in two or more feeds', () => {
    expect(all.filter(({ text }) => /utm_source=/.test(text)).length).toBeGreaterThanOrEqual(2);
  });

  it('includes HTML in descriptions and relative links under xml:base', () => {
    expect(all.some(({ text }) => /&lt;p&gt;|<!\[CDATA\[<p>/.test(text))).toBe(true);
    expect(all.some(({ text }) => /xml:base="https:/.test(text) && /href="2026\//.test(text))).toBe(true);
  });

  it.each(index.stories.map((s) => [s.name, s] as const))(
    'story %s appears in every feed it names',
    (_name, story) => {
      expect(new Set(story.items.map((i) => i.file)).size).toBe(story.items.length);
      for (const item of story.items) {
        const found = all.find(({ sample }) => sample.file === item.file);
        expect(found, item.file).toBeDefined();
        expect(
          found!.text.includes(item.title) || found!.text.includes(item.title.replace(/"/g, '\\"')),
          item.title,
        ).toBe(true);
      }
      if (story.url) {
        const withUrl = all.filter(({ text }) => text.includes(story.url!));
        expect(withUrl.length).toBeGreaterThanOrEqual(2);
      }
    },
  );

  it('plants a cross-language story', () => {
    const languages = (name: string) =>
      new Set(
        index.stories
          .find((s) => s.name === name)!
          .items.map((i) => index.samples.find((s) => s.file === i.file)!.language),
      );
    expect(languages('pp26-ai-standards').size).toBeGreaterThanOrEqual(4);
  });
});
