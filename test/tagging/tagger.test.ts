// The matching engine on small inline rules: each device of the rule format in isolation.
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import { parseRules } from '../../src/tagging/rules.ts';
import { PRIOR_NOTE, createTagger } from '../../src/tagging/tagger.ts';

const THEMES = `
threshold: 1
prior: 0.5
groups:
  services: [twitter, telegram, website*]
themes:
  censorship:
    strong: [censorship, блокир*, 审查, حجب]
    weak: [filtering]
    rules:
      - terms: [blocked, ban]
        with: ['@services']
        near: 3
  shutdowns:
    strong: [shutdown, internet blackout]
    veto: [government shutdown]
  standards:
    weak: [standard, standards, specification, 'standard*']
    rules:
      - terms: [itu, ietf]
        weight: 0.5
    veto: [standard price]
  encryption:
    unless: [ransom]
    strong: [encryption, end-to-end, '=Tor']
    rules:
      - terms: [encrypted]
        unless: [ransomware]
  surveillance:
    strong: ['*überwachung*']
  privacy:
    title: [cookies]
  cybercrime:
    strong: ['rfc #']
`;
const fill = THEME_IDS.filter(
  (t) => !/^(censorship|shutdowns|standards|encryption|surveillance|privacy|cybercrime)$/.test(t),
)
  .map((t) => `  ${t}:\n    strong: [zz-${t}]`)
  .join('\n');

const REGIONS = `
metonym_context:
  after: [s, said, blocked]
  before: [linked to]
regions:
  CN: {names: [china, chinese, 中国], metonyms: [beijing], veto: [china digital times]}
  KR: {names: [korea, south korea]}
  KP: {names: [north korea]}
  US: {names: ['=US', united states]}
  GE: {names: [georgia], veto: [atlanta georgia]}
  JO: {names: [jordan, الأردن]}
`;

const tagger = createTagger(parseRules(THEMES + fill, REGIONS));
const tag = (title: string, summary = '', sourceThemes?: string[]) =>
  tagger.tag({ title, summary, sourceThemes: sourceThemes as never });

describe('theme matching', () => {
  it.each([
    ['whole words only', 'Censorships and precensorship', []],
    ['a whole word', 'Internet censorship grows', ['censorship']],
    [
      'a Russian stem with any ending',
      'Роскомнадзор заблокировал сайт, блокировки продолжаются',
      ['censorship'],
    ],
    ['a Han substring without spaces', '网络审查加强', ['censorship']],
    ['an Arabic word behind clitics', 'السلطات تواصل الحجب والحجب', ['censorship']],
    ['a German compound by infix', 'Massenüberwachung im Netz', ['surveillance']],
    ['a hyphenated phrase spelled with spaces', 'End to end messaging', ['encryption']],
    ['a number wildcard', 'QUIC is RFC 9000', ['cybercrime']],
  ])('finds %s', (_name, title, themes) => {
    expect(tag(title).themes).toEqual(themes);
  });

  it('needs the case for case-sensitive terms', () => {
    expect(tag('Tor relays grow').themes).toEqual(['encryption']);
    expect(tag('the tor of the story').themes).toEqual([]);
  });

  it('counts a weak term only with a second one', () => {
    expect(tag('A new standard').themes).toEqual([]);
    expect(tag('A new standard and its specification').themes).toEqual(['standards']);
    expect(tag('ITU and IETF discuss the standard').themes).toEqual(['standards']);
  });

  it('counts one stretch of text once per theme, even when two terms match it', () => {
    // "standards" is matched by both `standards` and `standard*`: still one weak hit.
    expect(tag('New standards').themes).toEqual([]);
    expect(tag('New standards').why).toEqual({});
  });

  it('lets a veto cancel the overlapping term but not others', () => {
    expect(tag('Government shutdown looms').themes).toEqual([]);
    expect(tag('Government shutdown looms', 'Meanwhile an internet blackout hit the region').themes).toEqual([
      'shutdowns',
    ]);
    expect(tag('The standard price and a standard fee').themes).toEqual([]);
  });

  it('applies co-occurrence within the window only', () => {
    expect(tag('Twitter blocked nationwide').themes).toEqual(['censorship']);
    expect(tag('Twitter is popular; last year the court was reformed and the road blocked').themes).toEqual(
      [],
    );
    expect(tag('Road blocked by snow').themes).toEqual([]);
  });

  it('drops a rule when an unless-term occurs', () => {
    expect(tag('Messages are encrypted').themes).toEqual(['encryption']);
    expect(tag('Ransomware: servers encrypted').themes).toEqual([]);
  });

  it('drops every term of a theme when a theme-level unless-term occurs', () => {
    expect(tag('Encryption of the backups').themes).toEqual(['encryption']);
    expect(tag('Attackers demand a ransom after the encryption of the backups').themes).toEqual([]);
  });

  it('counts title-only terms in the title alone', () => {
    expect(tag('Cookies everywhere').themes).toEqual(['privacy']);
    expect(tag('Baking news', 'Cookies everywhere').themes).toEqual([]);
  });
});

describe('title boost', () => {
  it('multiplies the weight of matches in the title when configured', () => {
    const boosted = createTagger(
      parseRules(THEMES.replace('prior: 0.5', 'prior: 0.5\ntitle_boost: 2') + fill, REGIONS),
    );
    expect(boosted.tag({ title: 'New filtering rules', summary: '' }).themes).toEqual(['censorship']);
    expect(boosted.tag({ title: 'Rules', summary: 'New filtering rules' }).themes).toEqual([]);
    expect(tag('New filtering rules').themes).toEqual([]);
  });
});

describe('source prior', () => {
  it('never creates a tag alone', () => {
    expect(tag('Annual report published', '', ['censorship', 'standards']).themes).toEqual([]);
  });

  it('lifts a weak match over the threshold and says so', () => {
    const t = tag('New filtering rules', '', ['censorship']);
    expect(t.themes).toEqual(['censorship']);
    expect(t.why.censorship).toEqual(['filtering', PRIOR_NOTE]);
    expect(tag('New filtering rules').themes).toEqual([]);
  });
});

describe('explanations', () => {
  it('name the matched words, with the partner of a co-occurrence rule', () => {
    const t = tag('Telegram blocked; censorship widens');
    expect(t.why.censorship).toEqual(['censorship', 'blocked [+Telegram]']);
  });

  it('name the words that gave each region', () => {
    const t = tag('Chinese regulators and the United States');
    expect(t.regions).toEqual(['CN', 'US']);
    expect(t.why.CN).toEqual(['Chinese']);
    expect(t.why.US).toEqual(['United States']);
  });

  it('hold only tags that were given', () => {
    const t = tag('A new standard');
    expect(t.why).toEqual({});
  });
});

describe('regions', () => {
  it.each([
    ['a name', 'China expands controls', ['CN']],
    ['a capital as metonym (possessive)', "Beijing's new rules", ['CN']],
    ['a capital as metonym (verb)', 'Beijing said the rules apply', ['CN']],
    ['a capital after a context phrase', 'Accounts linked to Beijing', ['CN']],
    ['not a capital as a venue', 'A summit held in Beijing this week', []],
    ['the longer name over the shorter', 'North Korea tests missiles', ['KP']],
    ['a veto over an ambiguous name', 'Conference in Atlanta, Georgia', []],
    ['the ambiguous name otherwise', 'Georgia passes foreign agents law', ['GE']],
    ['an uppercase US, not the pronoun', 'Tell us about US plans', ['US']],
    ['a name veto', 'China Digital Times reports', []],
    ['Arabic names behind the article', 'في الأردن', ['JO']],
    ['Han names', '中国发布新规', ['CN']],
  ])('finds %s', (_name, title, regions) => {
    expect(tag(title).regions).toEqual(regions);
  });

  it('ignores a dateline at the start of the summary', () => {
    expect(tag('Plans announced', 'BEIJING — Officials announced plans').regions).toEqual([]);
    expect(tag('Plans announced', 'Officials in China announced plans').regions).toEqual(['CN']);
  });
});
