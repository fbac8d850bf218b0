// How items and queries are handed to PostgreSQL's full-text types (no server needed).
import { describe, expect, it } from 'vitest';
import { filterTags, searchVector, tsqueryLiteral } from '../../src/store/postgres/search-index.ts';
import { parseQuery } from '../../src/store/search-text.ts';
import { HOSTILE_QUERIES } from './hostile-queries.ts';

/** The lexeme entries of a tsvector literal: lexeme → positions. */
function entries(vector: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of vector.matchAll(/'((?:[^']|'')*)':([0-9AB,]+)/g)) out.set(m[1]!, m[2]!.split(','));
  return out;
}

describe('tsvector literal of an item', () => {
  it('gives title tokens weight A and summary tokens weight B, with positions', () => {
    const v = entries(searchVector({ title: 'Internet shutdowns', summary: 'Shutdowns in Iran' }));
    expect(v.get('internet')).toEqual(['1A']);
    // "shutdowns" → "shutdown" by the shared stemmer; once in the title, once in the summary.
    expect(
      v
        .get('shutdown')
        ?.map((p) => p.slice(-1))
        .sort(),
    ).toEqual(['A', 'B']);
  });

  it('leaves a gap between title and summary so a phrase cannot span them', () => {
    const v = entries(searchVector({ title: '互联', summary: '网络' }));
    const last = Math.max(
      ...[...v.values()]
        .flat()
        .filter((p) => p.endsWith('A'))
        .map((p) => parseInt(p, 10)),
    );
    const first = Math.min(
      ...[...v.values()]
        .flat()
        .filter((p) => p.endsWith('B'))
        .map((p) => parseInt(p, 10)),
    );
    expect(first - last).toBeGreaterThan(1);
  });

  it('splits CJK runs into bigrams like the SQLite index', () => {
    const v = entries(searchVector({ title: '互联网治理', summary: '' }));
    for (const gram of ['互联', '联网', '网治', '治理']) expect(v.has(gram)).toBe(true);
  });

  it.each([
    ["quote ' inside", "it's"],
    ['backslash', 'back\\slash'],
    ['NUL and controls', 'a\u0000b\u0001c'],
    ['very long word', 'x'.repeat(5000)],
    ['many repeats', 'spyware '.repeat(2000)],
  ])('produces a literal PostgreSQL accepts: %s', (_name, text) => {
    const v = searchVector({ title: text, summary: text });
    // Only quoted lexemes with positions, separated by spaces.
    expect(v).toMatch(/^('(?:[^'\\]|''|\\\\)*':[0-9AB,]+ ?)*$/);
    for (const pos of [...entries(v).values()]) {
      expect(pos.length).toBeLessThanOrEqual(255);
      for (const p of pos) expect(parseInt(p, 10)).toBeLessThanOrEqual(16_383);
    }
  });
});

describe('tsquery literal of a query', () => {
  it.each([
    ['spyware satellites', 'AND', "'spyware' & 'satellite'"],
    ['spyware satellites', 'OR', "'spyware' | 'satellite'"],
    ['互联网', 'AND', "('互联' <-> '联网')"],
    ['网', 'AND', "'网':*"],
  ] as const)('%s (%s) → %s', (text, op, expected) => {
    expect(tsqueryLiteral(parseQuery(text).terms, op)).toBe(expected);
  });

  it('quotes every lexeme of every hostile query (no operator from user text survives)', () => {
    for (const text of HOSTILE_QUERIES) {
      const lit = tsqueryLiteral(parseQuery(text).terms, 'AND');
      // Outside quotes only our own operators, parentheses, spaces and :* remain.
      const outside = lit.replace(/'(?:[^']|'')*'/g, '');
      expect(outside, JSON.stringify(text.slice(0, 40))).toMatch(/^[\s&|()<\->:*]*$/);
    }
  });
});

describe('filter tags', () => {
  it('are lower-cased keys per theme, region and source', () => {
    expect(filterTags({ themes: ['privacy'], regions: ['EU', 'de'], feedId: 'EFF' })).toEqual([
      'th:privacy',
      'rg:eu',
      'rg:de',
      'sx:eff',
    ]);
  });
});
