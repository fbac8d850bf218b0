import { describe, expect, it } from 'vitest';
import type { FeedSource } from '../../src/model.ts';
import { parseSourcesYaml } from '../../src/sources/load.ts';
import { writeSourcesYaml } from '../../src/sources/write.ts';

const source = (id: string, extra: Partial<FeedSource> = {}): FeedSource => ({
  id,
  name: `Source ${id}`,
  url: `https://${id}.example/feed`,
  kind: 'rights',
  language: 'en',
  origin: 'operator',
  ...extra,
});

const CURRENT = `# Operator notes at the top.

sources:
  # ── Rights ──
  - id: a
    name: Source a
    url: https://a.example/feed # checked by hand
    kind: rights
    language: en

  # b is on probation
  - id: b
    name: Source b
    url: https://b.example/feed
    kind: rights
    language: en
`;

describe('writeSourcesYaml', () => {
  it('writes a fresh file that loads back to the same sources', () => {
    const sources = [
      source('a', { themes: ['privacy', 'censorship'], homepage: 'https://a.example/' }),
      source('b', { name: 'Name: with a colon', language: 'zh', kind: 'media' }),
      source('c', { name: 'Роскомсвобода', url: 'https://c.example/feed?x=1&y=2', kind: 'standards' }),
    ];
    const text = writeSourcesYaml(sources);
    expect(text.startsWith('# govwatch: the curated sources.')).toBe(true);
    expect(text).toContain('themes: [privacy, censorship]');
    expect(parseSourcesYaml(text)).toEqual(sources);
  });

  it('keeps the comments of entries that stay, drops removed entries and appends new ones', () => {
    const next = [source('a'), source('d', { kind: 'media', themes: ['shutdowns'] })];
    const text = writeSourcesYaml(next, CURRENT);
    expect(parseSourcesYaml(text)).toEqual(next);
    expect(text).toContain('# Operator notes at the top.');
    expect(text).toContain('# ── Rights ──');
    expect(text).toContain('url: https://a.example/feed # checked by hand');
    expect(text).not.toContain('id: b');
    expect(text).not.toContain('probation');
    expect(text).toMatch(/\n\n {2}- id: d\n/);
  });

  it('changes only the fields that differ, keeping comments on the others', () => {
    const next = [source('a', { name: 'Renamed', themes: ['privacy'] }), source('b')];
    const text = writeSourcesYaml(next, CURRENT);
    expect(parseSourcesYaml(text)).toEqual(next);
    expect(text).toContain('name: Renamed');
    expect(text).toContain('url: https://a.example/feed # checked by hand');
    expect(text).toContain('# b is on probation');
  });

  it('writes a fresh file when the current one cannot be parsed', () => {
    const text = writeSourcesYaml([source('a')], 'sources: [unclosed\n');
    expect(parseSourcesYaml(text)).toEqual([source('a')]);
  });
});
