import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/model.ts';
import { SourcesFileError, loadSources, parseSourcesYaml } from '../../src/sources/load.ts';
import type { SourceProblem } from '../../src/sources/load.ts';

const good = (id: string, extra = ''): string =>
  `  - id: ${id}\n    name: Source ${id}\n    url: https://${id}.example/feed\n    kind: rights\n    language: en\n${extra}`;

function problemsOf(text: string): SourceProblem[] {
  try {
    parseSourcesYaml(text, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(SourcesFileError);
    expect((err as SourcesFileError).code).toBe('invalid_sources');
    return (err as SourcesFileError).problems;
  }
  throw new Error('expected the file to be rejected');
}

describe('sources.yaml validation names the line of each problem', () => {
  it.each<[string, string, { line?: number; column?: number; message: RegExp }]>([
    [
      'unknown kind',
      `sources:\n${good('a')}  - id: b\n    name: B\n    url: https://b.example/feed\n    kind: blog\n    language: en\n`,
      {
        line: 10,
        column: 11,
        message: /source "b": unknown kind "blog" \(expected one of: standards, rights, government, media\)/,
      },
    ],
    [
      'bad URL',
      `sources:\n  - id: a\n    name: A\n    url: not a url\n    kind: media\n    language: en\n`,
      { line: 4, column: 10, message: /bad URL "not a url"/ },
    ],
    [
      'non-http URL',
      `sources:\n  - id: a\n    name: A\n    url: ftp://example.org/feed.xml\n    kind: media\n    language: en\n`,
      { line: 4, message: /only http and https feeds are supported \(and file:\/\/\/path\)/ },
    ],
    [
      'duplicate id',
      `sources:\n${good('a')}${good('b').replace('id: b', 'id: a')}`,
      { line: 7, column: 9, message: /duplicate id "a" \(first used on line 2\)/ },
    ],
    [
      'duplicate URL, differing only by a trailing slash',
      `sources:\n${good('a')}${good('b').replace('https://b.example/feed', 'https://A.example/feed/')}`,
      { line: 9, message: /duplicate url https:\/\/A\.example\/feed\/ \(first used on line 4\)/ },
    ],
    [
      'unknown theme id',
      `sources:\n${good('a', '    themes: [privacy, gdpr]\n')}`,
      { line: 7, column: 23, message: /unknown theme "gdpr"/ },
    ],
    [
      'missing field',
      `sources:\n  - id: a\n    url: https://a.example/feed\n    kind: media\n    language: en\n`,
      { line: 2, column: 5, message: /source "a": missing field "name"/ },
    ],
    [
      'misspelt field',
      `sources:\n${good('a', '    theme: [privacy]\n')}`,
      { line: 7, column: 5, message: /unknown field "theme" \(did you mean "themes"\?\)/ },
    ],
    [
      'entry that is not a mapping',
      `sources:\n${good('a')}  - https://b.example/feed\n`,
      { line: 7, column: 5, message: /source #2: expected a mapping/ },
    ],
    [
      'sources that is not a list',
      `sources:\n  id: a\n  name: A\n`,
      { line: 2, message: /`sources` is not a list/ },
    ],
    ['a document that is a scalar', `just some text\n`, { line: 1, message: /not a list/ }],
    ['an empty file', ``, { message: /the file is empty/ }],
    ['no sources key', `feeds:\n${good('a')}`, { line: 1, message: /no `sources:` key/ }],
    [
      'unknown top-level key',
      `sources: []\nfeeds: []\n`,
      { line: 2, message: /unknown top-level key "feeds"/ },
    ],
    [
      'bad language tag',
      `sources:\n${good('a').replace('language: en', 'language: English')}`,
      { line: 6, message: /bad language "English"/ },
    ],
    [
      'bad id',
      `sources:\n${good('a').replace('id: a', 'id: Bad Id!')}`,
      { line: 2, column: 9, message: /bad id "Bad Id!"/ },
    ],
    [
      'YAML syntax error',
      `sources:\n  - id: a\n    name: A: B\n`,
      { line: 3, column: 11, message: /YAML syntax/ },
    ],
    [
      'duplicate key in one entry',
      `sources:\n${good('a', '    kind: media\n')}`,
      { line: 7, message: /YAML syntax: Map keys must be unique/ },
    ],
  ])('%s', (_name, text, expected) => {
    const problems = problemsOf(text);
    const match = problems.find((p) => expected.message.test(p.message));
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match!.line).toBe(expected.line);
    if (expected.column !== undefined) expect(match!.column).toBe(expected.column);
  });

  it('reports every problem at once, in file order, with file:line:column in the message', () => {
    const text = [
      'sources:',
      '  - id: a',
      '    name: A',
      '    url: https://a.example/feed',
      '    kind: blog',
      '    language: en',
      '  - id: a',
      '    name: A again',
      '    url: https://a.example/feed',
      '    kind: media',
      '    language: en',
      '    themes: [bogus]',
      '  - id: c',
      '    url: nope',
      '    kind: media',
      '    language: en',
      '',
    ].join('\n');
    let error: SourcesFileError | undefined;
    try {
      parseSourcesYaml(text, 'feeds/sources.yaml');
    } catch (err) {
      error = err as SourcesFileError;
    }
    expect(error).toBeInstanceOf(SourcesFileError);
    expect(error!.problems.map((p) => p.line)).toEqual([5, 7, 9, 12, 13, 14]);
    expect(error!.message.split('\n')[0]).toBe('feeds/sources.yaml: 6 problems in the sources file');
    expect(error!.message).toContain('feeds/sources.yaml:5:11: source "a": unknown kind "blog"');
    expect(error!.message).toContain('feeds/sources.yaml:13:5: source "c": missing field "name"');
  });
});

describe('valid sources files', () => {
  it('accept a top-level list as well as a `sources:` key, and mark every source as operator-owned', () => {
    const list = parseSourcesYaml(good('a').replace(/^ {2}/gm, ''), 'list.yaml');
    const keyed = parseSourcesYaml(`sources:\n${good('a')}`, 'keyed.yaml');
    expect(list).toEqual(keyed);
    expect(keyed).toEqual([
      {
        id: 'a',
        name: 'Source a',
        url: 'https://a.example/feed',
        kind: 'rights',
        language: 'en',
        origin: 'operator',
      },
    ]);
  });

  it('keep homepage and themes, dropping repeated themes', () => {
    const [source] = parseSourcesYaml(
      `sources:\n${good('a', '    homepage: https://a.example/\n    themes: [privacy, privacy, censorship]\n')}`,
    );
    expect(source?.themes).toEqual(['privacy', 'censorship']);
    expect(source?.homepage).toBe('https://a.example/');
  });

  it('allow an empty list', () => {
    expect(parseSourcesYaml('sources: []\n')).toEqual([]);
    expect(parseSourcesYaml('sources:\n')).toEqual([]);
  });
});

describe('loadSources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-sources-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file from disk', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, `sources:\n${good('a')}${good('b')}`);
    expect(loadSources(path).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('names the file in its errors', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, `sources:\n${good('a').replace('kind: rights', 'kind: nope')}`);
    expect(() => loadSources(path)).toThrow(`${path}:5:11: source "a": unknown kind "nope"`);
  });

  it('says when the file does not exist', () => {
    const path = join(dir, 'missing.yaml');
    let error: unknown;
    try {
      loadSources(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('sources_not_found');
    expect((error as UserError).message).toBe(`sources file not found: ${path}`);
  });
});
