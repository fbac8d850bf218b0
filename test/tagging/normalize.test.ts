import { describe, expect, it } from 'vitest';
import {
  arabicForms,
  normalizeText,
  stripDateline,
  stripMarkup,
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
