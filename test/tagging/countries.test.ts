import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGazetteerYaml } from '../../src/tagging/gazetteer.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';
// @ts-expect-error plain .mjs script without types
import { countryNames } from '../../scripts/gen-countries.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shipped = parseGazetteerYaml(readFileSync(`${root}feeds/countries.yaml`, 'utf8'), 'countries.yaml');
const tagger = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
const regionsOf = (title: string, summary = ''): string[] => tagger.tag({ title, summary }).regions;

describe('generated country names (feeds/countries.yaml)', () => {
  it('is what scripts/gen-countries.mjs makes from this ICU', () => {
    const fresh = countryNames() as Record<string, Record<string, string[]>>;
    const byRegion = Object.fromEntries(shipped.map((e) => [e.region, e.byLang]));
    expect(byRegion).toEqual(fresh);
  });

  it('covers every ISO 3166-1 country plus EU and XK, most in all seven languages', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(249);
    for (const c of ['KZ', 'UZ', 'TM', 'SA', 'AE', 'NG', 'BR', 'ID', 'VN', 'EU', 'XK', 'TV']) {
      expect(
        shipped.some((e) => e.region === c),
        c,
      ).toBe(true);
    }
    const seven = shipped.filter((e) => Object.keys(e.byLang).length === 7);
    expect(seven.length / shipped.length).toBeGreaterThan(0.9);
  });

  it.each([
    ['Власти Таджикистана ограничили доступ к мессенджерам', 'TJ'],
    ['В Казахстане приняли закон о платформах', 'KZ'],
    ['Туркменистаном введены новые ограничения', 'TM'],
    ['Monaco adopte une loi sur la cybersécurité', 'MC'],
    ['Kasachstans Regierung sperrt Messenger', 'KZ'],
    ['Die Regierung Liechtensteins plant ein Datengesetz', 'LI'],
    ['وبكازاخستان قيود جديدة على الانترنت', 'KZ'],
    ['السلطات في اوزبكستان تحجب تطبيقات', 'UZ'],
    ['吉尔吉斯斯坦通过媒体法', 'KG'],
    ['Uzbekistán bloquea redes sociales', 'UZ'],
    ['Démocratique : la RD Congo coupe internet', 'CD'],
    ['Tuvalu builds a digital nation in the cloud', 'TV'],
    ['Myanmar (Burma) junta extends VPN ban', 'MM'],
  ])('%s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });

  it.each([
    // German "Island" is Iceland, the English word is not.
    ['Storm cuts phone lines across the island', 'IS'],
    // Owner qualifiers in ICU names ("(США)") are not names of the territory.
    ['США ввели санкции против производителей', 'UM'],
    ['США ввели санкции против производителей', 'VI'],
    // A first name, a meeting, a US state and a bird are not countries.
    ['Maurice Lévy quitte la présidence', 'MU'],
    ['Réunion des ministres à Paris', 'RE'],
    ['Reunión del consejo sobre ciberseguridad', 'RE'],
    ['New Jersey passes a privacy law', 'JE'],
    ['Того, кто нарушит закон, оштрафуют', 'TG'],
    ['马里兰州通过隐私法', 'ML'],
  ])('%s does not tag %s', (title, code) => {
    expect(regionsOf(title)).not.toContain(code);
  });
});
