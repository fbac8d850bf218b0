// Chinese terms that mix Han with Latin letters or digits ("新IP", "IP地址"): the Han part is
// matched as the end (or start) of a Han run next to the Latin word, not as a whole word.
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import { checkTermSyntax, parseRules } from '../../src/tagging/rules.ts';
import { createTagger } from '../../src/tagging/tagger.ts';

const THEMES = `
threshold: 1
themes:
  internet-governance:
    strong: [新IP, IP地址分配]
${THEME_IDS.filter((t) => t !== 'internet-governance')
  .map((t) => `  ${t}:\n    strong: [zz-${t}]`)
  .join('\n')}
`;
const REGIONS = 'regions:\n  CN: {names: [中国]}\n';
const tagger = createTagger(parseRules(THEMES, REGIONS));

describe('mixed Han/Latin terms', () => {
  it.each([
    ['Han run ending before the Latin word', '中国在国际电联推动新IP方案', ['新IP']],
    ['full-width letters are normalised', '推动 新ＩＰ 方案', ['新IP']],
    ['Latin word then the start of a Han run', '关于IP地址分配机构的讨论', ['IP地址分配']],
  ])('%s', (_, text, why) => {
    const t = tagger.tag({ title: text, summary: '' });
    expect(t.themes).toEqual(['internet-governance']);
    expect(t.why['internet-governance']).toEqual(why);
  });

  it.each([
    ['Han part not at the end of its run', '新的IP方案', false],
    ['other Latin word', '新IPv6方案', false],
    ['Han part missing', '推动IP方案', false],
  ])('does not match: %s', (_, text, tagged) => {
    expect(tagger.tag({ title: text, summary: '' }).themes.length > 0).toBe(tagged);
  });

  it('rejects operators and spaces in terms with Han characters', () => {
    expect(checkTermSyntax('新IP')).toBeNull();
    expect(checkTermSyntax('新IP*')).not.toBeNull();
    expect(checkTermSyntax('新 IP')).not.toBeNull();
  });
});
