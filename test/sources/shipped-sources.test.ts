import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import { loadSources, parseSourcesYaml } from '../../src/sources/load.ts';
import { SOURCE_KINDS } from '../../src/sources/schema.ts';
import { writeSourcesYaml } from '../../src/sources/write.ts';

const SOURCES_PATH = fileURLToPath(new URL('../../feeds/sources.yaml', import.meta.url));

describe('the shipped feeds/sources.yaml', () => {
  const sources = loadSources(SOURCES_PATH);

  it('loads with at least 30 operator sources', () => {
    expect(sources.length).toBeGreaterThanOrEqual(30);
    expect(new Set(sources.map((s) => s.origin))).toEqual(new Set(['operator']));
  });

  it('covers every kind of source', () => {
    expect(new Set(sources.map((s) => s.kind))).toEqual(new Set(SOURCE_KINDS));
  });

  it.each(['en', 'ru', 'zh', 'ar', 'es', 'fr', 'de'])('has sources in language %s', (language) => {
    expect(sources.filter((s) => s.language === language).length).toBeGreaterThanOrEqual(
      language === 'en' ? 10 : 2,
    );
  });

  it.each([
    // Standards bodies named in the brief.
    ['itu-news', 'itu.int'],
    ['ietf-blog', 'ietf.org'],
    ['ietf-last-call', 'datatracker.ietf.org'],
    ['ietf-rfcs', 'datatracker.ietf.org'],
    ['w3c-news', 'w3.org'],
    ['iso-news', 'iso.org'],
    ['etsi-news', 'etsi.org'],
    ['3gpp-news', '3gpp.org'],
    ['ieee-sa', 'ieee.org'],
    ['icann-news', 'icann.org'],
    ['eu-digital-strategy', 'europa.eu'],
    // Rights groups named in the brief.
    ['eff-deeplinks', 'eff.org'],
    ['hrw', 'hrw.org'],
    ['access-now', 'accessnow.org'],
    ['article19', 'article19.org'],
    ['freedom-house', 'freedomhouse.org'],
    ['citizen-lab', 'citizenlab.ca'],
    ['amnesty', 'amnesty.org'],
    ['privacy-international', 'privacyinternational.org'],
    ['rsf', 'rsf.org'],
    ['ooni', 'ooni.org'],
    ['isoc', 'internetsociety.org'],
  ])('includes %s on %s', (id, host) => {
    const source = sources.find((s) => s.id === id);
    expect(source, id).toBeDefined();
    expect(new URL(source!.url).hostname.endsWith(host)).toBe(true);
  });

  it('uses https for every feed and known theme ids only', () => {
    for (const s of sources) {
      expect(new URL(s.url).protocol, s.id).toBe('https:');
      for (const t of s.themes ?? []) expect(THEME_IDS).toContain(t);
    }
  });

  it('marks unconfirmed URLs with a comment on the url line', () => {
    const text = readFileSync(SOURCES_PATH, 'utf8');
    const marked = text
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#') && /#\s*(unconfirmed|seen once)\b/.test(line));
    expect(marked.length).toBeGreaterThan(0);
    for (const line of marked) expect(line.trimStart().startsWith('url:'), line).toBe(true);
  });

  it('survives a rewrite with its comments when nothing changed', () => {
    const text = readFileSync(SOURCES_PATH, 'utf8');
    const rewritten = writeSourcesYaml(sources, text);
    expect(parseSourcesYaml(rewritten, 'rewritten.yaml')).toEqual(sources);
    expect(rewritten).toContain('# unconfirmed');
    expect(rewritten).toContain('# ── Russian');
  });
});
