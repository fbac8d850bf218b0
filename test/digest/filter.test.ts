import { describe, expect, it } from 'vitest';
import {
  describeFilter,
  keywordMatches,
  matchesAnyFilter,
  matchesFilter,
  parseKeywords,
  primaryTheme,
} from '../../src/digest/filter.ts';
import type { SubscriptionFilter } from '../../src/model.ts';
import { makeItem } from './helpers.ts';

const f = (over: Partial<SubscriptionFilter>): SubscriptionFilter => ({
  themes: [],
  regions: [],
  sources: [],
  keywords: [],
  ...over,
});

describe('keywordMatches', () => {
  const cases: Array<[string, string, boolean]> = [
    ['Russia blocks Signal messenger', 'signal', true],
    ['Russia blocks Signal messenger', 'SIGNAL', true],
    ['The minister said nothing', 'AI', false],
    ['EU AI Act enters into force', 'ai act', true],
    ['EU AI\n  Act enters into force', 'AI Act', true],
    ['Russia blocked VPNs', 'block', false],
    ['Russia blocked VPNs', 'block*', true],
    ['Données personnelles : la CNIL sanctionne', 'donnees', true],
    ['Роскомнадзор заблокировал Signal', 'роскомнадзор', true],
    ['苹果公司下架多款VPN应用', 'VPN', true],
    ['苹果公司下架多款VPN应用', '下架', true],
    ['Nothing here', '', false],
  ];
  it.each(cases)('%j contains %j: %s', (text, kw, expected) => {
    expect(keywordMatches(text, kw)).toBe(expected);
  });
});

describe('parseKeywords', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['pegasus, -"football club", -sport', ['pegasus'], ['football club', 'sport']],
    ['"data retention"; Pegasus', ['data retention', 'pegasus'], []],
    ['e-government, -  "x  y"', ['e-government'], ['x y']],
    ['a -"b"', ['a'], ['b']],
    ['"-x", -, ,', ['-x'], []],
    ['-VPN, vpn, -vpn', ['vpn'], ['vpn']],
    ['"unclosed, phrase', ['unclosed, phrase'], []],
    ['', [], []],
  ];
  it.each(cases)('%j', (text, keywords, exclude) => {
    expect(parseKeywords(text)).toEqual({ keywords, exclude });
  });

  it('describes a filter with its exclusions', () => {
    expect(describeFilter(f({ themes: ['censorship'], keywords: ['vpn'], exclude: ['football club'] }))).toBe(
      'themes censorship; keywords "vpn"; excluding "football club"',
    );
    expect(describeFilter(f({}))).toBe('everything');
  });
});

describe('matchesFilter', () => {
  const item = makeItem({
    title: 'Iran cuts mobile internet in Zahedan',
    summary: 'Measurements show a regional shutdown.',
    themes: ['shutdowns', 'censorship'],
    regions: ['IR'],
    feedId: 'ooni',
    sourceName: 'OONI',
  });
  const cases: Array<[string, SubscriptionFilter, boolean]> = [
    ['an empty filter takes everything', f({}), true],
    ['any listed theme matches', f({ themes: ['privacy', 'shutdowns'] }), true],
    ['no listed theme', f({ themes: ['privacy'] }), false],
    ['theme and region must both match', f({ themes: ['shutdowns'], regions: ['ir'] }), true],
    ['theme matches but region does not', f({ themes: ['shutdowns'], regions: ['RU'] }), false],
    ['source by feed id', f({ sources: ['ooni'] }), true],
    ['source by name, any case', f({ sources: ['Ooni'] }), true],
    ['other source', f({ sources: ['eff'] }), false],
    ['keyword in the summary', f({ keywords: ['shutdown'] }), true],
    ['keyword absent', f({ keywords: ['VPN'] }), false],
    ['an excluded word leaves it out', f({ themes: ['shutdowns'], exclude: ['zahedan'] }), false],
    ['an excluded phrase leaves it out', f({ exclude: ['regional shutdown'] }), false],
    ['exclusions alone select everything else', f({ exclude: ['football'] }), true],
    ['an exclusion wins over a matching keyword', f({ keywords: ['iran'], exclude: ['mobile'] }), false],
    ['an excluded word matches as a word', f({ exclude: ['cuts'] }), false],
    ['an excluded word does not match a longer word', f({ exclude: ['cut'] }), true],
    ['a word inside another is not excluded', f({ exclude: ['zahed'] }), true],
    ['an exclusion prefix with *', f({ exclude: ['zahed*'] }), false],
    ['filters stored before exclusions (no field) still match', f({ keywords: ['iran'] }), true],
  ];
  it.each(cases)('%s', (_name, filter, expected) => {
    expect(matchesFilter(item, filter)).toBe(expected);
  });

  it('a target with several subscriptions takes an item matching any of them', () => {
    expect(matchesAnyFilter(item, [f({ themes: ['privacy'] }), f({ regions: ['IR'] })])).toBe(true);
    expect(matchesAnyFilter(item, [f({ themes: ['privacy'] }), f({ regions: ['RU'] })])).toBe(false);
    expect(matchesAnyFilter(item, [])).toBe(true);
  });
});

describe('primaryTheme', () => {
  const item = makeItem({
    title: 'x',
    themes: ['censorship', 'surveillance', 'privacy'],
    why: { censorship: ['blocked'], surveillance: ['spyware', 'Pegasus'], privacy: ['data'] },
  });
  it('is the theme with the most matched terms', () => {
    expect(primaryTheme(item)).toBe('surveillance');
  });
  it('is restricted to the themes the reader follows', () => {
    expect(primaryTheme(item, ['privacy', 'censorship'])).toBe('censorship');
  });
  it('is "other" for an untagged item', () => {
    expect(primaryTheme(makeItem({ title: 'y' }))).toBe('other');
  });
});
