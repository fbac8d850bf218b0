import { describe, expect, it } from 'vitest';
import {
  buildSnippet,
  indexText,
  MAX_QUERY_TERMS,
  parseQuery,
  stemRussian,
  stemWord,
} from '../../src/store/search-text.ts';
import { HOSTILE_QUERIES } from './hostile-queries.ts';

describe('Russian stemming', () => {
  it.each([
    [['цензура', 'цензуры', 'цензуре', 'цензурой', 'цензуру'], 'цензур'],
    [['интернет', 'интернета', 'интернете', 'интернетом'], 'интернет'],
    [['блокировка', 'блокировки', 'блокировку', 'блокировкой'], 'блокировк'],
    [['журналист', 'журналиста', 'журналисты', 'журналистов'], 'журналист'],
    [['государственный', 'государственные', 'государственного'], 'государствен'],
  ])('folds the forms of %j to one stem', (forms, stem) => {
    for (const f of forms) expect(stemRussian(f)).toBe(stem);
  });

  it('leaves short words alone', () => {
    expect(stemRussian('суд')).toBe('суд');
  });
});

describe('index text', () => {
  it.each([
    ['Standards and the EFF', 'standard eff'],
    ['Café naïve résumé', 'cafe naive resume'],
    ['Ёлка и ёж', 'елк еж'],
    ['5G, COVID-19', '5g covid 19'],
    ['中国互联网', '中国 国互 互联 联网 网'],
    ['网', '网'],
    ['G20峰会', 'g20 峰会 会'],
    ['!!! ... ???', ''],
  ])('%j → %j', (text, expected) => {
    expect(indexText(text)).toBe(expected);
  });

  it('produces only letters, digits, marks and single spaces', () => {
    for (const q of HOSTILE_QUERIES) {
      const t = indexText(q);
      expect(t).toMatch(/^([\p{L}\p{N}\p{M}]+( [\p{L}\p{N}\p{M}]+)*)?$/u);
    }
  });
});

describe('query parsing', () => {
  it('turns words into stemmed terms and drops syntax and stop words', () => {
    const q = parseQuery('"Surveillance" AND title:encryption OR NOT the NEAR(x)');
    expect(q.terms).toEqual([
      { kind: 'word', token: 'surveillance' },
      { kind: 'word', token: 'title' },
      { kind: 'word', token: 'encryption' },
      { kind: 'word', token: 'near' },
    ]);
  });

  it('keeps stop words when nothing else is left', () => {
    expect(parseQuery('the who').terms).toEqual([
      { kind: 'word', token: 'the' },
      { kind: 'word', token: 'who' },
    ]);
  });

  it('turns a CJK run into a phrase of bigrams, and one character into a prefix', () => {
    expect(parseQuery('互联网 网').terms).toEqual([
      { kind: 'phrase', tokens: ['互联', '联网'] },
      { kind: 'prefix', token: '网' },
    ]);
  });

  it(`caps the number of terms at ${MAX_QUERY_TERMS}`, () => {
    const words = Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
    expect(parseQuery(words).terms).toHaveLength(MAX_QUERY_TERMS);
  });

  it('never throws and never yields a term with quotes or operators', () => {
    for (const q of HOSTILE_QUERIES) {
      const parsed = parseQuery(q);
      for (const t of parsed.terms) {
        const tokens = t.kind === 'phrase' ? t.tokens : [t.token];
        for (const token of tokens) expect(token).toMatch(/^[\p{L}\p{N}\p{M}]+$/u);
      }
    }
  });

  it('stems query words like indexed words', () => {
    expect(stemWord('satellites')).toBe('satellite');
    expect(parseQuery('Цензуру').terms).toEqual([{ kind: 'word', token: 'цензур' }]);
  });
});

describe('snippets', () => {
  it('marks word hits in the summary, whatever their inflection', () => {
    const s = buildSnippet('Title', 'Депутаты предложили усилить цензуру в сети.', parseQuery('цензура'));
    expect(s.filter((p) => p.hit).map((p) => p.text)).toEqual(['цензуру']);
    expect(s.map((p) => p.text).join('')).toBe('Депутаты предложили усилить цензуру в сети.');
  });

  it('marks the exact CJK substring', () => {
    const s = buildSnippet('t', '中俄两国在互联网治理领域加强合作', parseQuery('互联网'));
    expect(s).toEqual([
      { text: '中俄两国在', hit: false },
      { text: '互联网', hit: true },
      { text: '治理领域加强合作', hit: false },
    ]);
  });

  it('cuts a long summary around the first hit with ellipses', () => {
    const summary = `${'lorem ipsum '.repeat(40)}spyware ${'dolor sit '.repeat(40)}`;
    const s = buildSnippet('t', summary, parseQuery('spyware'), 120);
    const text = s.map((p) => p.text).join('');
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(122);
    expect(s.filter((p) => p.hit).map((p) => p.text)).toEqual(['spyware']);
  });

  it('falls back to the title when only the title matches', () => {
    const s = buildSnippet('Spyware vendor sanctioned', 'Nothing here.', parseQuery('spyware'));
    expect(s).toEqual([
      { text: 'Spyware', hit: true },
      { text: ' vendor sanctioned', hit: false },
    ]);
  });

  it('never splits a surrogate pair', () => {
    const summary = '😀'.repeat(300);
    const s = buildSnippet('t', summary, parseQuery(''), 101);
    const text = s.map((p) => p.text).join('');
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
