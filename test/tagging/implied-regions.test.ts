// Regions implied without naming the country: gazetteer aliases per language, names that are
// ambiguous or everyday words, and the domestic context of an item's language (regions.yaml
// `domestic`): a Russian-language court story is Russian news unless another country is named.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/tagging/rules.ts';
import { createTagger, DOMESTIC_NOTE, loadTagger } from '../../src/tagging/tagger.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// As shipped (rules + model): the rules give the domestic region only to an item with a theme;
// the region model also weighs it in an off-topic item.
const tagger = loadTagger(`${root}feeds/themes.yaml`);
const tag = (title: string, summary = '', lang?: string) => tagger.tag({ title, summary, lang });
const regionsOf = (title: string, summary = '', lang?: string): string[] => tag(title, summary, lang).regions;

describe('gazetteer aliases per language', () => {
  it.each([
    ['Верховная рада приняла закон о блокировке сайтов', 'UA'],
    ['Scotland Yard expands live facial recognition cameras', 'GB'],
    ['公安部部署打击网络谣言专项行动', 'CN'],
    ["L'Assemblée nationale adopte la loi sur la vérification de l'âge", 'FR'],
    ['Trump signs executive order on AI chips', 'US'],
    ['Трамп пригрозил запретить TikTok', 'US'],
    ['特朗普政府限制芯片出口', 'US'],
    ['Sheinbaum propone una agencia que concentra los datos personales', 'MX'],
    ['Lawrow wirft dem Westen Desinformation vor', 'RU'],
    ['NIS2: la directive entre en vigueur pour les opérateurs essentiels', 'EU'],
    ['NTIA opens comment period on open model weights', 'US'],
    ['Meloni government orders a ban on an AI chatbot', 'IT'],
    ['Hisbollah-nahe Konten werden gesperrt', 'LB'],
    ['佐科总统签署网络安全法令', 'ID'],
  ])('%s → %s', (title, region) => {
    expect(regionsOf(title)).toContain(region);
  });
});

describe('ambiguous names and everyday words stay untagged', () => {
  it.each([
    ['Medvedev beats Alcaraz to reach the final', 'RU'],
    ['Privacy is the trump card of the new phone', 'US'],
    ['Working from the home office: routers that reach the garden', 'GB'],
    ['Old DSA keys are rejected by the new OpenSSH release', 'EU'],
    ['Einladung zum Chaos Communication Congress in Hamburg', 'US'],
    // A short Han alias is never listed alone: 特本 (Tebboune) sits inside 独特本质.
    ['独特本质的设计获得好评', 'DZ'],
  ])('%s ↛ %s', (title, region) => {
    expect(regionsOf(title)).not.toContain(region);
  });
});

describe('domestic context of the item language', () => {
  it('a Russian court story naming no country is about Russia, and says why', () => {
    const t = tag(
      'Суд оштрафовал блогера за пост о цензуре',
      'Суд признал публикацию распространением запрещённой информации.',
      'ru',
    );
    expect(t.regions).toEqual(['RU']);
    expect(t.why.RU).toContain(DOMESTIC_NOTE);
    expect(t.why.RU).toContain('Суд');
  });

  it('a named country wins: no domestic region is added next to it', () => {
    const t = tag(
      'Суд в Казахстане оштрафовал блогера за пост о цензуре',
      'Суд признал публикацию распространением запрещённой информации.',
      'ru',
    );
    expect(t.regions).toEqual(['KZ']);
    expect(regionsOf('美国监管部门要求应用商店下架应用', '监管部门称应用存在数据安全风险。', 'zh')).toEqual([
      'US',
    ]);
  });

  it('Chinese and Russian are recognised by their script when the feed gives no language', () => {
    expect(regionsOf('监管部门要求应用商店下架未备案的VPN应用', '未完成备案的应用将无法上架。')).toEqual([
      'CN',
    ]);
    expect(
      regionsOf('Суд заблокировал сайт независимого издания', 'Провайдеры обязаны ограничить доступ.'),
    ).toEqual(['RU']);
  });

  it('Ukrainian Cyrillic and Japanese Han are not taken for Russian or Chinese', () => {
    // Ukrainian (і, ї, є): the court is not a Russian court.
    expect(
      regionsOf('Суд заблокував сайт, який поширював дезінформацію', 'Провайдери мають обмежити доступ.'),
    ).toEqual([]);
    // Japanese (kana beside Han): 政府 and 法院 are not Chinese institutions here.
    expect(regionsOf('政府はアプリの削除を命じた', '法院の判断で検閲が強化された。')).not.toContain('CN');
  });

  it('German and French need the language from the feed', () => {
    const de = [
      'Innenministerium will Staatstrojaner für Messenger ausweiten',
      'Die Polizei soll verschlüsselte Chats mitlesen dürfen.',
    ];
    expect(regionsOf(de[0]!, de[1], 'de')).toEqual(['DE']);
    expect(regionsOf(de[0]!, de[1])).toEqual([]);
    const fr = [
      'Le gouvernement veut imposer une porte dérobée aux messageries chiffrées',
      'Un amendement obligerait les plateformes à donner accès aux conversations.',
    ];
    expect(regionsOf(fr[0]!, fr[1], 'fr')).toEqual(['FR']);
    expect(regionsOf(fr[0]!, `${fr[1]} Au Sénégal, le texte inquiète.`, 'fr')).toEqual(['SN']);
  });

  it('a language tag naming another country, or traditional characters, give no domestic region', () => {
    const zh = ['法院判决平台删除批评官员的帖子', '警方以散布谣言为由拘留了发帖人。'];
    expect(regionsOf(zh[0]!, zh[1], 'zh-CN')).toEqual(['CN']);
    expect(regionsOf(zh[0]!, zh[1], 'zh-TW')).toEqual([]);
    // Traditional script (Taiwan, Hong Kong) with or without a language tag.
    const tw = ['法院判決平臺刪除批評官員的貼文', '警方以散布謠言為由拘留了發文者。'];
    expect(regionsOf(tw[0]!, tw[1], 'zh')).toEqual([]);
    expect(regionsOf(tw[0]!, tw[1])).toEqual([]);
    const de = [
      'Innenministerium will Staatstrojaner für Messenger ausweiten',
      'Die Polizei soll Chats mitlesen dürfen.',
    ];
    expect(regionsOf(de[0]!, de[1], 'de-DE')).toEqual(['DE']);
    expect(regionsOf(de[0]!, de[1], 'de-AT')).toEqual([]);
    const fr = [
      'Le gouvernement veut imposer une porte dérobée aux messageries',
      'Un amendement obligerait les plateformes.',
    ];
    expect(regionsOf(fr[0]!, fr[1], 'fr-CA')).toEqual([]);
  });

  it('English, Spanish and Arabic have no domestic country', () => {
    expect(
      regionsOf('The government orders a block on messaging apps', 'The court upheld it.', 'en'),
    ).toEqual([]);
    expect(
      regionsOf('El gobierno ordena bloquear aplicaciones de mensajería', 'El tribunal lo avaló.', 'es'),
    ).toEqual([]);
  });

  it('an item with no theme gets a domestic region from the region model only, and says why', () => {
    // The taxonomy places off-topic items too (a Russian weather story about "власти" is
    // Russia's): the rules never do it, the region model weighs the cue like any candidate.
    const [title, summary] = ['Синоптики обещают аномальные морозы', 'Власти открыли пункты обогрева.'];
    const rulesOnly = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
    expect(rulesOnly.tag({ title, summary, lang: 'ru' }).regions).toEqual([]);
    const t = tag(title, summary, 'ru');
    expect(t.themes).toEqual([]);
    expect(t.regions.every((r) => r === 'RU')).toBe(true);
    if (t.regions.length > 0) expect(t.why.RU).toContain(DOMESTIC_NOTE);
    // With no cue there is nothing to weigh.
    expect(regionsOf(title, '', 'ru')).toEqual([]);
  });
});

describe('domestic section of regions.yaml', () => {
  const themes = `themes:\n${['censorship', 'surveillance', 'encryption', 'shutdowns', 'standards', 'internet-governance', 'cybercrime', 'cybersecurity', 'privacy', 'disinformation', 'platforms', 'ai-governance', 'free-expression', 'geopolitics', 'infrastructure'].map((t) => `  ${t}: {strong: [${t}]}`).join('\n')}\n`;
  const regions = (domestic: string) => `regions:\n  RU: {names: [россия]}\n${domestic}`;

  it('tags the region of the language on a cue, only with a theme and no named region', () => {
    const t = createTagger(parseRules(themes, regions('domestic:\n  ru: {region: RU, cues: [суд*]}\n')));
    expect(t.tag({ title: 'Суд: censorship', summary: '', lang: 'ru' }).regions).toEqual(['RU']);
    expect(t.tag({ title: 'Суд: censorship', summary: '', lang: 'en' }).regions).toEqual([]);
    expect(t.tag({ title: 'Суд вынес решение', summary: '', lang: 'ru' }).regions).toEqual([]);
  });

  it.each([
    ['domestic:\n  ru: {region: UA, cues: [суд]}\n', 'region'],
    ['domestic:\n  russian: {region: RU, cues: [суд]}\n', 'two-letter'],
    ['domestic:\n  ru: {region: RU, cues: []}\n', 'no cues'],
    ['domestic:\n  ru: {region: RU, cues: [суд], extra: 1}\n', 'unknown key'],
  ])('rejects %s naming the problem', (yaml, fragment) => {
    expect(() => parseRules(themes, regions(yaml))).toThrow(fragment);
  });
});
