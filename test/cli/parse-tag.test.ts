// `govwatch parse` and `govwatch tag` as child processes, against the design's contract.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';
import { REPO_ROOT, runCli, runInProcess } from './run-cli.ts';
import type { CliResult } from './run-cli.ts';

interface Sample {
  file: string;
  format: string;
  items: number;
  encoding: string;
  contentType: string;
}

const SAMPLES = join(REPO_ROOT, 'feeds', 'samples');
const index = parseYaml(readFileSync(join(SAMPLES, 'index.yaml'), 'utf8')) as { samples: Sample[] };
/** One sample per format (the first listed), so each format is parsed once. */
const perFormat = index.samples.filter((s, i) => index.samples.findIndex((o) => o.format === s.format) === i);
const cyrillic = index.samples.find((s) => s.encoding === 'windows-1251')!;

const ITEM_KEYS = ['id', 'title', 'url', 'published', 'author', 'summary', 'themes', 'regions'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface ParsedJson {
  feed: { title: string; link: string | null; format: string };
  items: Array<Record<string, unknown>>;
}

let dir: string;
let server: FeedServer;
const env = (): Record<string, string> => ({ GOVWATCH_DB: join(dir, 'unused.db') });

// Child processes (the real bin through tsx) for one feed, one failure and `tag` on stdin; the
// rest through the same `main` in this process, since tsx start-up costs about a second each.
let results: {
  formats: CliResult[];
  cyrillicFile: CliResult;
  cyrillicKoi8: CliResult;
  cyrillicUrl: CliResult;
  html: CliResult;
  garbage: CliResult;
  missing: CliResult;
  url404: CliResult;
  tag: CliResult;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-parse-'));
  server = await startFeedServer({
    '/ru.xml': {
      headers: { 'content-type': cyrillic.contentType },
      body: readFileSync(join(SAMPLES, cyrillic.file)),
    },
  });
  writeFileSync(
    join(dir, 'page.html'),
    '<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>',
  );
  writeFileSync(join(dir, 'garbage.bin'), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x9c, 0x01]));
  const tagInput = [
    // A byte-order mark, as Windows tools write, must not cost the first line.
    '\uFEFF' +
      JSON.stringify({
        id: 'en-1',
        title: 'Russia blocks VPN protocols and orders censorship of news sites',
        summary: 'Roskomnadzor widened blocking.',
      }),
    '{ this is not json',
    JSON.stringify({ id: 'no-title', summary: 'missing its title' }),
    '',
    JSON.stringify({
      id: 'ru-1',
      title: 'Роскомнадзор заблокировал VPN-сервисы',
      summary: 'Блокировка в России расширена.',
      lang: 'ru',
    }),
  ].join('\n');
  const file = (f: string): string => join(SAMPLES, f);
  // Spawned together: start-up dominates, so they overlap.
  const spawned = Promise.all([
    runCli(['parse', file(perFormat[0]!.file), '--json'], { env: env() }),
    runCli(['parse', join(dir, 'page.html'), '--json'], { env: env() }),
    runCli(['tag'], { env: env(), input: tagInput }),
  ]);
  const formats: CliResult[] = [];
  for (const s of perFormat.slice(1))
    formats.push(await runInProcess(['parse', file(s.file), '--json'], env()));
  const cyrillicFile = await runInProcess(['parse', file(cyrillic.file), '--json'], env());
  const cyrillicKoi8 = await runInProcess(
    ['parse', file(cyrillic.file), '--json', '--content-type', 'application/rss+xml; charset=koi8-r'],
    env(),
  );
  const cyrillicUrl = await runInProcess(['parse', server.url('/ru.xml'), '--json'], env());
  const garbage = await runInProcess(['parse', join(dir, 'garbage.bin')], env());
  const missing = await runInProcess(['parse', join(dir, 'no-such-file.xml'), '--json'], env());
  const url404 = await runInProcess(['parse', server.url('/missing.xml')], env());
  const [firstFormat, html, tag] = await spawned;
  results = {
    formats: [firstFormat!, ...formats],
    cyrillicFile,
    cyrillicKoi8,
    cyrillicUrl,
    html: html!,
    garbage,
    missing,
    url404,
    tag: tag!,
  };
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function json(r: CliResult): ParsedJson {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ParsedJson;
}

describe('govwatch parse', () => {
  it('covers every format of feeds/samples', () => {
    expect(perFormat.map((s) => s.format).sort()).toEqual(
      [...new Set(index.samples.map((s) => s.format))].sort(),
    );
    expect(perFormat.length).toBeGreaterThanOrEqual(5);
  });

  it.each(perFormat.map((s, i) => [s.format, s.file, i] as const))(
    'prints the contract JSON for %s (%s)',
    (format, _file, i) => {
      const sample = perFormat[i]!;
      const out = json(results.formats[i]!);
      expect(out.feed.format).toBe(format);
      expect(typeof out.feed.title).toBe('string');
      expect(out.feed.title.length).toBeGreaterThan(0);
      expect('link' in out.feed).toBe(true);
      expect(out.items).toHaveLength(sample.items);
      const ids = new Set<unknown>();
      for (const item of out.items) {
        for (const key of ITEM_KEYS) expect(item, key).toHaveProperty(key);
        expect(typeof item.id).toBe('string');
        ids.add(item.id);
        expect(typeof item.title).toBe('string');
        expect(item.published === null || ISO_UTC.test(String(item.published))).toBe(true);
        expect(Array.isArray(item.themes)).toBe(true);
        expect(Array.isArray(item.regions)).toBe(true);
        expect(item.url === null || /^https?:\/\//.test(String(item.url))).toBe(true);
        expect(typeof item.summary).toBe('string');
        expect(String(item.summary)).not.toMatch(/<\/?[a-z][^>]*>/i);
      }
      expect(ids.size).toBe(out.items.length);
      // The samples are tagged: at least some items carry a theme.
      expect(out.items.some((i) => (i.themes as unknown[]).length > 0)).toBe(true);
    },
  );

  it('decodes the windows-1251 sample, and a --content-type charset changes the decoding', () => {
    const plain = json(results.cyrillicFile);
    const titles = plain.items.map((i) => String(i.title));
    expect(titles.every((t) => /[А-Яа-яЁё]/.test(t))).toBe(true);
    expect(titles.join(' ')).not.toContain('\uFFFD');
    const koi8 = json(results.cyrillicKoi8);
    const koi8Titles = koi8.items.map((i) => String(i.title));
    expect(koi8Titles).toHaveLength(titles.length);
    expect(koi8Titles).not.toEqual(titles);
    // The same bytes over HTTP with the charset in the header decode as from the file.
    const viaUrl = json(results.cyrillicUrl);
    expect(viaUrl.items.map((i) => i.title)).toEqual(titles);
    expect(viaUrl.feed.title).toBe(plain.feed.title);
  });

  it.each([
    ['an HTML page', 'html', 'page.html'],
    ['garbage bytes', 'garbage', 'garbage.bin'],
    ['a missing file', 'missing', 'no-such-file.xml'],
    ['a URL answering 404', 'url404', '/missing.xml'],
  ] as const)('exits 1 with one clear line on stderr for %s', (_what, key, name) => {
    const r = results[key];
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^govwatch: /);
    expect(lines[0]).toContain(name);
    expect(lines[0]).not.toMatch(/^\s+at /);
  });
});

describe('govwatch tag', () => {
  it('turns JSON Lines into JSON Lines with themes, regions and why, reporting bad lines', () => {
    const r = results.tag;
    const out = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { id: string; themes: string[]; regions: string[]; why: Record<string, string[]> },
      );
    expect(out.map((o) => o.id)).toEqual(['en-1', 'ru-1']);
    for (const o of out) {
      expect(Object.keys(o).sort()).toEqual(['id', 'regions', 'themes', 'why']);
      expect(o.regions).toContain('RU');
      expect(o.themes.length).toBeGreaterThan(0);
      for (const tag of [...o.themes, ...o.regions]) {
        expect(o.why[tag], tag).toBeDefined();
        expect(o.why[tag]!.length, tag).toBeGreaterThan(0);
      }
    }
    expect(out[0]!.themes).toContain('censorship');
    const errs = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(/line 2\b/);
    expect(errs[1]).toMatch(/line 3\b/);
    // Skipped lines make the exit status 1 so scripts notice; the good lines are still out.
    expect(r.code).toBe(1);
  });
});
