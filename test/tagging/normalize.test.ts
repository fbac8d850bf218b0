import { describe, expect, it } from 'vitest';
import {
  arabicForms,
  normalizeText,
  stripDateline,
  stripMarkup,
  TokenPool,
  toNfkc,
  tokenize,
} from '../../src/tagging/normalize.ts';

describe('normalizeText', () => {
  it.each([
    ['Ёлка', 'елка'],
    ['ＡＢＣ', 'abc'], // NFKC folds full-width letters
    ['Straße', 'strasse'],
    ['الإنترنت', 'الانترنت'], // hamza forms of alef unified
    ['حُرِّيَّة', 'حريه'], // diacritics stripped, ta marbuta unified
    ['الـــرقابة', 'الرقابه'], // tatweel removed
    ['it’s', "it's"],
  ])('%s → %s', (input, out) => {
    expect(normalizeText(input)).toBe(out);
  });
});

describe('tokenize', () => {
  it('splits on punctuation and keeps Han runs apart from Latin words', () => {
    const { tokens } = tokenize("Beijing's VPN翻墙 ban, end-to-end");
    expect(tokens.map((t) => t.norm)).toEqual(['beijing', 's', 'vpn', '翻墙', 'ban', 'end', 'to', 'end']);
    expect(tokens.find((t) => t.norm === '翻墙')?.cjk).toBe(true);
  });
});

describe('TokenPool', () => {
  const plain = (text: string): unknown[] =>
    tokenize(text).tokens.map((t) => [t.norm, t.start, t.end, t.cjk, t.hash]);

  it('refills its tokens with each text: the same tokens as without a pool, longer or shorter', () => {
    const pool = new TokenPool();
    const texts = [
      'Internet shutdown ordered in 12 regions of the country',
      'VPN翻墙',
      '',
      'قطع الإنترنت في عدة مناطق — Roskomnadzor blocks Telegram again, says the ministry',
      'short',
    ];
    for (const text of texts) {
      const pooled = tokenize(text, pool).tokens.map((t) => [t.norm, t.start, t.end, t.cjk, t.hash]);
      expect(pooled).toEqual(plain(text));
    }
  });

  it('reuses its token objects, so tokens from an earlier text are not to be kept', () => {
    const pool = new TokenPool();
    const first = tokenize('alpha beta', pool).tokens[0]!;
    const second = tokenize('gamma', pool).tokens[0]!;
    expect(second).toBe(first);
    expect(first.norm).toBe('gamma');
  });
});

describe('arabicForms', () => {
  it('offers the word without conjunction, preposition and article', () => {
    expect(arabicForms(normalizeText('وبالإنترنت'))).toContain('انترنت');
    expect(arabicForms(normalizeText('للرقابة'))).toContain('رقابه');
    expect(arabicForms(normalizeText('الإلكترونية'))).toContain('كترونيه');
  });
});

describe('stripDateline', () => {
  it.each([
    ['GENEVA — The ITU said on Monday that…', 'The ITU said on Monday that…'],
    ['Brussels, 3 May (Reuters) - The Commission fined…', 'The Commission fined…'],
    ['BEIJING (AP) — Regulators ordered…', 'Regulators ordered…'],
    ['МОСКВА, 3 мая. /ТАСС/. Роскомнадзор сообщил…', 'Роскомнадзор сообщил…'],
    ['新华社北京5月3日电 国家网信办发布…', '国家网信办发布…'],
    ['القاهرة (رويترز) - قالت السلطات…', 'قالت السلطات…'],
    ['PARIS, 12 juin (AFP) - La CNIL…', 'La CNIL…'],
  ])('removes %j', (input, out) => {
    expect(stripDateline(input)).toBe(out);
  });

  it.each([
    'Kenya: Court halts biometric ID rollout',
    'A village in Oaxaca runs its own network',
    'UK Online Safety Bill: don’t undermine encryption',
    'Nineteen services, including marketplaces - must comply',
  ])('leaves ordinary text alone: %j', (input) => {
    expect(stripDateline(input)).toBe(input);
  });
});

describe('stripMarkup', () => {
  it.each([
    ['@everyone <@&123> <!channel> **bold** shutdown', 'bold shutdown'],
    ['Alert <!here> <@U123ABC> <#C042> ordered', 'Alert ordered'],
    ['[the report](https://ooni.org/post/x) on throttling', 'the report on throttling'],
    ['Data at https://ioda.inetintel.cc.gatech.edu/country/IR today', 'Data at today'],
  ])('drops chat markup and links from %j', (input, out) => {
    expect(stripMarkup(input).replace(/\s+/g, ' ').trim()).toBe(out);
  });

  it.each([
    'Plain title — no markup',
    'snake_case and a*b',
    'write to press@eff.org',
    'C++ and F# standards',
  ])('leaves ordinary text alone: %j', (input) => {
    expect(stripMarkup(input)).toBe(input);
  });
});

describe('toNfkc', () => {
  it('equals String.prototype.normalize("NFKC") on every BMP character alone', () => {
    const differ: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (toNfkc(ch) !== ch.normalize('NFKC')) differ.push(c);
    }
    expect(differ).toEqual([]);
  });

  it('composes, decomposes and reorders in context like normalize("NFKC")', () => {
    for (const s of [
      'cafe\u0301', // e + combining acute → é
      '\u1100\u1161\u11a8', // jamo → 각
      '\uac00\u11a8', // syllable + trailing jamo → 각
      'Å \u212b ﬁ … \u3000 ½ ²', // compatibility characters
      'a\u0323\u0307', // marks reordered
      'Москва\u0301', // Cyrillic + combining acute
      'ﻻ العربية', // presentation form
      '\ud83d\ude00 emoji',
    ])
      expect(toNfkc(s)).toBe(s.normalize('NFKC'));
  });

  it('equals normalize("NFKC") on random mixes of letters, marks, jamo and compatibility characters', () => {
    // Deterministic pseudo-random strings from a pool that mixes characters NFKC keeps with
    // those it changes or composes.
    const pool = [...'aeoAZ09 .,’“—éüßёйЖعلاء中文日本語가각ー'].concat([
      '\u0301',
      '\u0308',
      '\u0323',
      '\u064b',
      '\u1161',
      '\u11a8',
      '\u212b',
      '\ufb01',
      '\u2026',
      '\u00a0',
      '\u3000',
      '\uff21',
    ]);
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      const len = 1 + Math.floor(next() * 8);
      for (let k = 0; k < len; k++) s += pool[Math.floor(next() * pool.length)];
      expect(toNfkc(s)).toBe(s.normalize('NFKC'));
    }
  });
});
