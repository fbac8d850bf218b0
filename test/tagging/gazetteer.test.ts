import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeGazetteer, parseGazetteerYaml } from '../../src/tagging/gazetteer.ts';
import { parseRules } from '../../src/tagging/rules.ts';
import { createTagger, loadTagger } from '../../src/tagging/tagger.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = parseGazetteerYaml(readFileSync(`${root}feeds/gazetteer.yaml`, 'utf8'));
// Rules only: names and gazetteer aliases tag alone, whatever the themes (the domestic
// context, which needs a theme, is tested in implied-regions.test.ts).
const tagger = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
const regionsOf = (title: string, summary = ''): string[] => tagger.tag({ title, summary }).regions;

describe('shipped gazetteer', () => {
  it('has 60+ entries of every kind, most with aliases in all seven languages', () => {
    expect(entries.length).toBeGreaterThanOrEqual(60);
    for (const k of ['institution', 'regulator', 'leader', 'law', 'city']) {
      expect(entries.filter((e) => e.kind === k).length, k).toBeGreaterThan(0);
    }
    const seven = entries.filter((e) =>
      ['en', 'ru', 'zh', 'ar', 'es', 'fr', 'de'].every((l) => (e.byLang[l] ?? []).length > 0),
    );
    expect(seven.length / entries.length).toBeGreaterThan(0.9);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });

  it.each([
    ['Roskomnadzor throttles YouTube again', 'RU'],
    ['Роскомнадзор ограничил доступ к мессенджеру', 'RU'],
    ['Госдума приняла закон о VPN', 'RU'],
    ['国家网信办发布新规', 'CN'],
    ['The CAC publishes draft rules on generative AI labels', 'CN'],
    ['Decisions taken in Zhongnanhai shape the platform economy', 'CN'],
    ['中南海释放信号', 'CN'],
    ['Ofcom opens investigation into a forum under the new duties', 'GB'],
    ['Anatel ordena bloqueio de plataforma', 'BR'],
    ['ANATEL tells operators to cut access to X', 'BR'],
    ['La Comisión Europea abre un procedimiento con la ley de servicios digitales', 'EU'],
    ['Platforms face fines under the Digital Services Act', 'EU'],
    ['MeitY issues blocking orders under Section 69A', 'IN'],
    ['Khamenei backs the national information network', 'IR'],
    ['Bundesnetzagentur prüft Netzsperren', 'DE'],
    ['L’Arcom met en demeure un site', 'FR'],
    ['Lukashenko signs extremism amendments', 'BY'],
    ['الكرملين يدافع عن قيود الإنترنت', 'RU'],
    ['بكين تقول إن القواعد الجديدة تحمي الأمن', 'CN'],
  ])('%s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });

  it('a city tags only when it stands for a government, not as a venue', () => {
    expect(regionsOf('Talks held in Minsk on Tuesday end without a deal on roaming')).not.toContain('BY');
    expect(regionsOf('Minsk says foreign VPN services must register')).toContain('BY');
    expect(regionsOf('Pékin affirme que les règles protègent les mineurs')).toContain('CN');
  });

  it('shared acronyms and everyday words stay untagged', () => {
    expect(regionsOf('CAC 40 closes higher as luxury stocks rally')).not.toContain('CN');
    expect(regionsOf('El plátano maduro es más dulce', 'Receta de postre.')).not.toContain('VE');
    expect(regionsOf('Working from home office setups: the best desks of the year')).not.toContain('GB');
  });
});

describe('gazetteer file format', () => {
  const base = parseRules(
    'themes:\n' +
      [
        'censorship',
        'surveillance',
        'encryption',
        'shutdowns',
        'standards',
        'internet-governance',
        'cybercrime',
        'cybersecurity',
        'privacy',
        'disinformation',
        'platforms',
        'ai-governance',
        'free-expression',
        'geopolitics',
        'infrastructure',
      ]
        .map((t) => `  ${t}: {strong: [zz${t.replace(/-/g, '')}]}`)
        .join('\n'),
    'metonym_context: {after: [says]}\nregions:\n  RU: {names: [russia]}\n',
  );

  it('merges names, cities as metonyms, vetoes and new regions', () => {
    const g = parseGazetteerYaml(
      [
        'entries:',
        '  rkn: {region: RU, kind: regulator, aliases: {en: [roskomnadzor], ru: [роскомнадзор*]}}',
        '  quito: {region: EC, kind: city, aliases: {es: [quito]}, veto: [quito open]}',
      ].join('\n'),
    );
    const rules = mergeGazetteer(base, g);
    expect(rules.regions.find((r) => r.code === 'RU')!.names).toEqual([
      'russia',
      'roskomnadzor',
      'роскомнадзор*',
    ]);
    const ec = rules.regions.find((r) => r.code === 'EC')!;
    expect(ec.metonyms).toEqual(['quito']);
    expect(ec.veto).toEqual(['quito open']);
    // The original rules are not changed.
    expect(base.regions.length).toBe(1);
    const t = createTagger(rules);
    expect(t.tag({ title: 'Роскомнадзора требования', summary: '' }).regions).toEqual(['RU']);
    expect(t.tag({ title: 'Quito says the law stands', summary: '' }).regions).toEqual(['EC']);
    expect(t.tag({ title: 'The Quito Open final', summary: '' }).regions).toEqual([]);
  });

  it.each([
    ['entries: {x: {region: Russia, kind: law, aliases: {en: [a]}}}', 'region'],
    ['entries: {x: {region: RU, kind: person, aliases: {en: [a]}}}', 'kind'],
    ['entries: {x: {region: RU, kind: law, aliases: [a]}}', 'aliases'],
    ['entries: {x: {region: RU, kind: law, aliases: {en: ["a*b"]}}}', 'alias "a*b"'],
    ['entries: {x: {region: RU, kind: law, aliases: {en: [a]}, where: 1}}', 'unknown key'],
  ])('rejects %s naming the problem', (yaml, fragment) => {
    expect(() => parseGazetteerYaml(yaml, 'g.yaml')).toThrow(fragment);
  });
});
