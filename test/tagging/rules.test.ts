import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import { parseRegionsYaml, parseThemesYaml } from '../../src/tagging/rules.ts';

/** A minimal valid themes file: every theme with one term, plus `extra` YAML for the theme under test. */
function themesYaml(extra: string, head = ''): string {
  const others = THEME_IDS.filter((t) => t !== 'censorship')
    .map((t) => `  ${t}:\n    strong: [${t}-term]`)
    .join('\n');
  return `${head}themes:\n  censorship:\n${extra}\n${others}\n`;
}

describe('parseThemesYaml', () => {
  it('accepts lists, language maps, groups, rules and vetoes', () => {
    const r = parseThemesYaml(
      themesYaml(
        `    strong: {en: [censorship], ru: [цензур*]}
    weak: ['@svc']
    title: [blocked]
    rules:
      - terms: [ban]
        with: ['@svc']
        near: 4
        unless: [film]
        weight: 0.7
    veto: [censorship-resistant]`,
        'groups:\n  svc: [twitter, vpn*]\n',
      ),
    );
    const c = r.themes.find((t) => t.id === 'censorship')!;
    expect(c.terms.map((t) => [t.term, t.weight, t.titleOnly])).toEqual([
      ['censorship', 1, false],
      ['цензур*', 1, false],
      ['twitter', 0.5, false],
      ['vpn*', 0.5, false],
      ['blocked', 1, true],
      ['ban', 0.7, false],
    ]);
    expect(c.terms.at(-1)).toMatchObject({ with: ['twitter', 'vpn*'], near: 4, unless: ['film'] });
    expect(c.veto).toEqual(['censorship-resistant']);
    expect(r.threshold).toBe(1);
  });

  it.each([
    ['an unknown theme id', 'themes:\n  cats:\n    strong: [cat]\n', /theme "cats".*not a theme id/],
    ['a missing theme', 'themes:\n  censorship:\n    strong: [x]\n', /theme "surveillance" is missing/],
    [
      'a bad stem',
      themesYaml('    strong: ["blo*ck"]'),
      /theme "censorship" strong term "blo\*ck".*only at the start or end/,
    ],
    [
      'an unknown group',
      themesYaml("    weak: ['@nope']"),
      /theme "censorship" weak\[0\].*unknown group @nope/,
    ],
    ['an unknown key', themesYaml('    strength: [x]'), /theme "censorship".*unknown key "strength"/],
    [
      'a rule without terms',
      themesYaml('    rules:\n      - with: [x]'),
      /theme "censorship" rules\[0\].*needs "term" or "terms"/,
    ],
    [
      'near without with',
      themesYaml('    rules:\n      - term: x\n        near: 3'),
      /rules\[0\].*"near" needs "with"/,
    ],
    [
      'a negative weight',
      themesYaml('    rules:\n      - term: x\n        weight: -1'),
      /rules\[0\] weight.*non-negative/,
    ],
    [
      'a non-string term',
      themesYaml('    strong: [true]'),
      /theme "censorship" strong\[0\].*must be a string/,
    ],
    ['a mixed Han term', themesYaml('    strong: [审查 x]'), /Chinese\/Japanese term/],
    ['broken YAML', 'themes: [', /themes\.yaml: yaml:/],
  ])('rejects %s, naming the theme and rule', (_name, text, message) => {
    expect(() => parseThemesYaml(text, 'themes.yaml')).toThrow(message);
  });

  it('reports errors as UserError with a code', () => {
    try {
      parseThemesYaml('themes: {}', 'feeds/themes.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'UserError', code: 'tagging_rules_invalid' });
      expect((e as Error).message).toMatch(/^feeds\/themes\.yaml: /);
    }
  });
});

describe('parseRegionsYaml', () => {
  it('reads names, metonyms, vetoes and the metonym context', () => {
    const r = parseRegionsYaml(
      'metonym_context:\n  after: [said]\n  before: [linked to]\nregions:\n  CN: {names: [china], metonyms: [beijing], veto: [south china sea]}\n',
    );
    expect(r.regions).toEqual([
      { code: 'CN', names: ['china'], metonyms: ['beijing'], veto: ['south china sea'] },
    ]);
    expect(r.metonymAfter).toEqual(['said']);
    expect(r.metonymBefore).toEqual(['linked to']);
  });

  it.each([
    ['a lowercase code', 'regions:\n  cn: {names: [china]}\n', /region "cn".*ISO 3166-1/],
    ['a region without names', 'regions:\n  CN: {veto: [x]}\n', /region "CN".*has no names/],
    [
      'an unknown key',
      'regions:\n  CN: {names: [china], capital: [beijing]}\n',
      /region "CN".*unknown key "capital"/,
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseRegionsYaml(text)).toThrow(message);
  });
});
