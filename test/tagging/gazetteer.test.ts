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

// A country named the way each of the seven languages names it: inflected Russian, Arabic
// with its article, Chinese, and the French, Spanish and German exonyms and adjectives; then
// leaders, legislatures and regulators without the country's name.
describe('regions in seven languages', () => {
  it.each([
    ['Китаем подписано соглашение о данных', 'CN'],
    ['Бразильские регуляторы требуют удалить посты', 'BR'],
    ['Южнокорейские операторы ограничили доступ', 'KR'],
    ['Северокорейские хакеры атаковали биржу', 'KP'],
    ['Власти Белоруссии заблокировали сайт', 'BY'],
    ['Итальянский регулятор оштрафовал сервис', 'IT'],
    ['Объединённые Арабские Эмираты запускают спутник', 'AE'],
    ['الهيئة البرازيلية تأمر بحجب المنصة', 'BR'],
    ['الإدارة الأميركية تفرض قيودا على الرقائق', 'US'],
    ['臺灣通過新的資安法', 'TW'],
    ['莫斯科方面拒绝了这一要求', 'RU'],
    ['Francia aprueba una ley contra la desinformación', 'FR'],
    ['Pakistán bloquea X durante las elecciones', 'PK'],
    ['Indonesien sperrt Plattformen ohne Registrierung', 'ID'],
    ['Le Nigéria suspend Twitter', 'NG'],
    ['Bangladesch schaltet das mobile Internet ab', 'BD'],
    ['Weißrussland blockiert unabhängige Medien', 'BY'],
    ['Le Pentagone renforce sa cybersécurité', 'US'],
    ['Песков прокомментировал замедление YouTube', 'RU'],
    ['The Federation Council approves the bill on VPN advertising', 'RU'],
    ['Lok Sabha passes the data protection bill', 'IN'],
    ['Takaichi pledges a national cyber defence law', 'JP'],
    ['Lula sanciona lei sobre plataformas digitais', 'BR'],
    ['Díaz-Canel culpa a las redes sociales de las protestas', 'CU'],
    ['Орбан подписал закон о СМИ', 'HU'],
    ['赖清德称将加强海底电缆保护', 'TW'],
    ['Kaja Kallas warns of Russian disinformation', 'EU'],
    ['محمد بن سلمان يطلق مشروعا للذكاء الاصطناعي', 'SA'],
  ])('%s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });

  it('a club, a race or a maker named after a country is not that country', () => {
    expect(regionsOf('Le Tour de France partira de Barcelone')).not.toContain('FR');
    expect(regionsOf('Bayern München gewinnt das Spitzenspiel')).not.toContain('DE');
    expect(regionsOf('Liga MX: el campeón se define en penales')).not.toContain('MX');
    expect(regionsOf('Chinese-made cameras watch the streets of Belgrade')).not.toContain('CN');
    expect(regionsOf('Итальянский язык набирает популярность')).not.toContain('IT');
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

// Capitals, seats of government, legislatures, regulators and companies added per country
// (i10g): a capital tags as a metonym in each language's way of making it stand for its
// government, never as a venue; the other kinds tag alone.
describe('implied regions per country', () => {
  it.each([
    ['Warsaw says the new rules protect children online', 'PL'],
    ['Варшава заявила о блокировке сайтов', 'PL'],
    ['قالت أنقرة إن الحظر مؤقت', 'TR'],
    ['قالت برلين إن القانون يحمي المستخدمين', 'DE'],
    ['首尔方面表示将加强平台监管', 'KR'],
    ['渥太华方面拒绝了这一要求', 'CA'],
    ['Berlín exige a las plataformas retirar contenidos', 'DE'],
    ['Rom fordert von Plattformen mehr Transparenz', 'IT'],
    ['Prague accuse Moscou de désinformation', 'CZ'],
    ['Canberra says age checks will start in December', 'AU'],
    ['Ташкент требует регистрации мессенджеров', 'UZ'],
    ['Lawmakers in Canberra pass the age limit for social media', 'AU'],
    ['The Hague bars servicing of chip machines in China', 'NL'],
    ['Bruselas multa a una red social por ocultar datos', 'EU'],
    ['Peking kündigt Gegenmaßnahmen an', 'CN'],
    ['فرضت واشنطن قيودا جديدة على الرقائق', 'US'],
  ])('capital as a metonym: %s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });

  it.each([
    ['Talks held in Warsaw on Tuesday end without a deal', 'PL'],
    ['Treffen in Warschau am Dienstag ohne Einigung', 'PL'],
    ['La cumbre se celebra en Lima el martes', 'PE'],
    ['会议周二在首尔举行', 'KR'],
    ['Real Madrid ha fichado a un delantero', 'ES'],
    ['The Tallinn Manual has a new chapter on data', 'EE'],
  ])('capital as a venue or in a name: %s ↛ %s', (title, code) => {
    expect(regionsOf(title)).not.toContain(code);
  });

  it.each([
    ['Совет Федерации одобрил закон о VPN', 'RU'],
    ['Сейм Литвы запретил рекламу', 'LT'],
    ['Coimisiún na Meán fines a video platform', 'IE'],
    ['Riksdag votes on data retention', 'SE'],
    ['Legislative Yuan passes the anti-fraud act', 'TW'],
    ['立法院三读通过反诈骗条例', 'TW'],
    ['Palazzo Chigi prepara una stretta sui social', 'IT'],
    ['Viginum détecte une campagne de faux comptes', 'FR'],
    ['Huawei wins a 5G contract in Serbia', 'CN'],
    ['الحوثيون يقطعون الإنترنت في صنعاء', 'YE'],
    ['Aso Rock orders a review of social media rules', 'NG'],
    ['Der Schweizer Bundesrat will Plattformen regulieren', 'CH'],
    ['Le Conseil européen adopte le règlement', 'EU'],
    ["L'AFNOR prépare les normes harmonisées", 'FR'],
    ['Росстандарт утвердил стандарт', 'RU'],
    ['马祖海底电缆再遭切断', 'TW'],
    ['Le Québec encadre l’usage de l’IA', 'CA'],
    ['La Audiencia Nacional investiga un ciberataque', 'ES'],
  ])('name: %s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });
});

// The rule for ambiguous aliases: a gazetteer alias means one region. It is never a name that
// other countries, US states, first names or everyday words share, and no alias (after the
// matcher's normalization) belongs to two regions in the gazetteer and regions.yaml together.
describe('ambiguous aliases stay out of the gazetteer', () => {
  // Shared capitals and places, bodies several countries have, Chinese names found inside
  // other names, Russian and Arabic common words.
  const SHARED = [
    'georgia',
    'jersey',
    'tripoli',
    'santiago',
    'sofia',
    'wellington',
    'victoria',
    'kingston',
    'san josé',
    'georgetown',
    'hamilton',
    'córdoba',
    'valencia',
    'bundesrat',
    'nationalrat',
    'national assembly',
    'assemblée nationale du sénégal',
    'datatilsynet',
    'ncsc',
    'national cyber security centre',
    'state council',
    'federal council',
    'gdpr',
    'nso group',
    '国务院',
    '罗马',
    '金边',
    '立法會',
    'вена',
    'гавань',
    'загреб',
    'сейм',
    'سيول',
    'عمان',
    'كاكاو',
    'bundeskanzler',
    'maison bleue',
    'lèse-majesté',
  ];
  const norm = (s: string) => s.replace(/^=/, '').toLowerCase().normalize('NFKC');

  it('no alias is, or as a stem matches, a shared name', () => {
    const bad: string[] = [];
    for (const e of entries) {
      for (const a of e.aliases) {
        const n = norm(a);
        for (const s of SHARED) {
          const stemHit = n.endsWith('*') && s.startsWith(n.slice(0, -1)) && !s.includes(' ');
          if (n === s || stemHit) bad.push(`${e.id}: ${a} (${s})`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('no alias names two regions', () => {
    const regionsYaml = parseRules(
      readFileSync(`${root}feeds/themes.yaml`, 'utf8'),
      readFileSync(`${root}feeds/regions.yaml`, 'utf8'),
    );
    const owner = new Map<string, string>();
    const clash: string[] = [];
    const add = (alias: string, region: string) => {
      const k = norm(alias);
      const o = owner.get(k);
      if (o !== undefined && o !== region) clash.push(`${alias}: ${o} / ${region}`);
      owner.set(k, region);
    };
    for (const e of entries) for (const a of e.aliases) add(a, e.region);
    for (const r of regionsYaml.regions)
      for (const n of [...r.names, ...r.metonyms]) if (owner.has(norm(n))) add(n, r.code);
    expect(clash).toEqual([]);
  });

  it('Chinese capitals stand for the government with 方面 or 当局, not alone', () => {
    expect(regionsOf('首尔当局宣布新规')).toContain('KR');
    expect(regionsOf('多位代表在堪培拉会面')).not.toContain('AU');
  });
});
