// The term index on its own: its word memo and Han table find a word through a 32-bit hash, so
// words that share a hash must still be told apart, and the memo must give the same matches
// after it has filled up and been cleared as before.

import { describe, expect, it } from 'vitest';
import { TermIndex, prepareField } from '../../src/tagging/matcher.ts';
import type { Match } from '../../src/tagging/matcher.ts';
import { hashWord } from '../../src/tagging/normalize.ts';

function matchText(index: TermIndex, text: string): { term: string; text: string }[] {
  const out: Match[] = [];
  index.match(prepareField(text), 1, out);
  return out.map((m) => ({ term: index.terms[m.term]!, text: m.text }));
}

/** Deterministic pseudo-random lowercase words (a linear congruential generator). */
function words(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 4 + Math.floor(next() * 6);
    let w = '';
    for (let k = 0; k < len; k++) w += String.fromCharCode(97 + Math.floor(next() * 26));
    out.push(w);
  }
  return out;
}

describe('TermIndex', () => {
  // Pairs of different words with the same FNV-1a hash (found by search; checked below).
  const SAME_LENGTH: [string, string] = ['kmbtin', 'hclfnt'];
  const OTHER_LENGTH: [string, string] = ['njdrdr', 'kta'];
  const HAN_SAME_LENGTH: [string, string] = ['噃埙乾', '僧刕傦'];
  const HAN_OTHER_LENGTH: [string, string] = ['丙劁', '匎囜冝克'];

  it('uses word pairs that really share a hash', () => {
    for (const [a, b] of [SAME_LENGTH, OTHER_LENGTH, HAN_SAME_LENGTH, HAN_OTHER_LENGTH]) {
      expect(a).not.toBe(b);
      expect(hashWord(a)).toBe(hashWord(b));
    }
  });

  it('does not take a word for a term that shares its hash, whichever is seen first', () => {
    for (const [term, other] of [SAME_LENGTH, OTHER_LENGTH]) {
      for (const order of [`${other} ${term}`, `${term} ${other}`]) {
        const index = new TermIndex();
        index.add(term);
        index.add(`${term} bureau`);
        expect(matchText(index, other)).toEqual([]);
        expect(matchText(index, `${order} bureau ${other} bureau`)).toEqual(
          order.startsWith(term)
            ? [{ term, text: term }]
            : [
                { term, text: term },
                { term: `${term} bureau`, text: `${term} bureau` },
              ],
        );
      }
    }
  });

  it('does not take a Han run for a term that shares its hash', () => {
    for (const [term, other] of [HAN_SAME_LENGTH, HAN_OTHER_LENGTH]) {
      const index = new TermIndex();
      index.add(term);
      // A term as long as `other` and starting like it, so that `other` is looked up at all.
      const decoy = `${other[0]}${'一二三四'.slice(0, other.length - 1)}`;
      index.add(decoy);
      expect(matchText(index, `${other}。`)).toEqual([]);
      expect(matchText(index, `他说${other}和${term}，${decoy}。`)).toEqual([
        { term, text: term },
        { term: decoy, text: decoy },
      ]);
    }
  });

  it('finds the same matches after the word memo has filled up and been cleared', () => {
    const index = new TermIndex();
    const terms = ['censorship', 'data protect*', 'internet shutdown', 'vpn'];
    for (const t of terms) index.add(t);
    // Far more distinct words than the memo keeps, with the terms' words among them.
    const filler = words(40_000, 7);
    const expected: string[] = [];
    const found: string[] = [];
    for (let i = 0; i < filler.length; i += 8) {
      const chunk = filler.slice(i, i + 8);
      const text =
        i % 80 === 0
          ? `${chunk.join(' ')} internet shutdown and data protection, vpn bans`
          : i % 80 === 40
            ? `${chunk.join(' ')} censorship of ${chunk[0]}`
            : chunk.join(' ');
      if (i % 80 === 0) expected.push('internet shutdown', 'data protect*', 'vpn');
      if (i % 80 === 40) expected.push('censorship');
      for (const m of matchText(index, text)) found.push(m.term);
    }
    expect(found.length).toBeGreaterThan(1_000);
    expect(found).toEqual(expected);
  });

  it('gives a word with many candidates all of them (exact words, then stems, shorter first), also after the arena grows', () => {
    const index = new TermIndex();
    // 300 phrases under one first word, and stems that are prefixes of it.
    for (let i = 0; i < 300; i++) index.add(`ministry ${words(1, i + 1)[0]}`);
    index.add('minist*');
    index.add('mini*');
    const seconds = words(300, 0).map((_, i) => words(1, i + 1)[0]!);
    for (const w of words(5_000, 3)) matchText(index, w); // fills the arena with other words
    for (const s of [seconds[0]!, seconds[150]!, seconds[299]!]) {
      expect(matchText(index, `the ministry ${s} said`).map((m) => m.term)).toEqual([
        `ministry ${s}`,
        'mini*',
        'minist*',
      ]);
    }
  });

  it('finds phrases whose second word is case-sensitive or a stem, and only those', () => {
    const index = new TermIndex();
    for (const t of ['the =FA said', 'the =Garante', 'data protect*', 'la =ÉTS', 'وزاره اتصال*'])
      index.add(t);
    const terms = (text: string): string[] => matchText(index, text).map((m) => m.term);
    expect(terms('Then the FA said no; the Garante agreed')).toEqual(['the =FA said', 'the =Garante']);
    // Case-sensitive words need the original spelling: not "fa", not "GARANTE".
    expect(terms('the fa said, the GARANTE, the FAA said, the F said')).toEqual([]);
    // A normalized field (its length changed: ß → ss) compares the normalized word instead.
    expect(terms('Straße: the FA said')).toEqual(['the =FA said']);
    expect(terms('data protection, data protect, data pro, data, data 保护')).toEqual([
      'data protect*',
      'data protect*',
    ]);
    // A non-ASCII case-sensitive word and a stem after Arabic clitics are still found.
    expect(terms('selon la ÉTS, pas la éts')).toEqual(['la =ÉTS']);
    expect(terms('وزاره الاتصالات')).toEqual(['وزاره اتصال*']);
  });

  it('finds three-word phrases only where the third word follows, also through Arabic forms', () => {
    const index = new TermIndex();
    for (const t of ['data protection authority', 'data protection', 'هيئه حمايه البيانات']) index.add(t);
    const terms = (text: string): string[] => matchText(index, text).map((m) => m.term);
    expect(terms('the data protection authority said')).toEqual([
      'data protection authority',
      'data protection',
    ]);
    expect(terms('data protection authorities; data protection law authority; data protection')).toEqual([
      'data protection',
      'data protection',
      'data protection',
    ]);
    // The third word with a clitic and the article (وللبيانات) is one of its forms.
    expect(terms('قالت هيئة حماية وللبيانات')).toEqual(['هيئه حمايه البيانات']);
    expect(terms('هيئة حماية المستهلك')).toEqual([]);
  });

  it('finds a word followed by a Han piece only where a Han run starts with it', () => {
    const index = new TermIndex();
    // A Han piece of its own (`new 网络`) ends its run; one written against a word (`IP地址`) starts it.
    for (const t of ['IP地址', 'new 网络']) index.add(t);
    const terms = (text: string): string[] => matchText(index, text).map((m) => m.term);
    expect(terms('IP地址被封 new网络 IP 地址')).toEqual(['IP地址', 'new 网络', 'IP地址']);
    expect(terms('IP地 IP址 IP address new 网 new网络安全 安全IP')).toEqual([]);
  });

  it('finds stems ending a word (suffix terms) in long words only when they end with them', () => {
    const index = new TermIndex();
    for (const t of ['*surveillance', '*überwachung*']) index.add(t);
    const terms = (text: string): string[] => matchText(index, text).map((m) => m.term);
    expect(terms('Cybersurveillance, surveillances, Massenüberwachungsgesetz, surveillance')).toEqual([
      '*surveillance',
      '*überwachung*',
      '*surveillance',
    ]);
  });
});
