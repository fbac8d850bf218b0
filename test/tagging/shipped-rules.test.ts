// The rules shipped in feeds/themes.yaml and feeds/regions.yaml, on text written for these
// tests and on the project's own labelled set (test/fixtures/tagging/labelled.jsonl).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import type { ThemeId } from '../../src/model.ts';
import { evaluate } from '../../src/tagging/evaluate.ts';
import type { LabelledItem } from '../../src/tagging/evaluate.ts';
import { PRIOR_NOTE, loadTagger } from '../../src/tagging/tagger.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The rules layer (the learned model on top is tested in learned.test.ts and blind-sets.test.ts).
const tagger = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
const tag = (title: string, summary = '', lang: string | null = null, sourceThemes?: ThemeId[]) =>
  tagger.tag({ title, summary, lang, sourceThemes });

describe('negatives stay untagged', () => {
  it.each([
    [
      'a government shutdown',
      'Government shutdown looms as budget talks fail',
      'Federal agencies prepare to furlough staff if no spending bill passes.',
    ],
    [
      'a standard price',
      'Retailer keeps the standard price for its basic plan',
      'The standard rate of the subscription stays the same next year.',
    ],
    [
      'a product launch',
      'Apple releases new iPhone',
      'The new model has a faster chip, a brighter screen and a better camera.',
    ],
    [
      'double standards',
      'Double standards at the border',
      'Rights groups say refugees are treated differently depending on origin.',
    ],
    [
      'a job advert',
      'We are hiring a finance director',
      'Applications close at the end of June; the role covers budgeting and audits.',
    ],
    [
      'disease surveillance',
      'Health workers step up dengue surveillance',
      'Volunteers log fever cases door to door.',
    ],
    [
      'the political spectrum',
      'Parties across the political spectrum agree on pensions',
      'The reform passed with a broad majority.',
    ],
    [
      'campaign platforms',
      'Candidates unveil their platforms',
      'The contenders promise lower fuel prices and more jobs.',
    ],
    [
      'a ransomware-free crypto market story',
      'Crypto exchange lists new tokens',
      'Trading volumes rose on the cryptocurrency market.',
    ],
    ['Russian: weather', 'Погода в Москве', 'На выходных ожидается снег и гололедица.'],
    ['Chinese: holiday travel', '春节假期旅游人数创新高', '各地景区接待游客数量大幅增长。'],
    ['French: a concert programme', 'Fête de la musique à Paris', 'Plus de cinq cents scènes sont prévues.'],
    ['Spanish: a recipe', 'Receta: tortilla de patatas', 'Una guía paso a paso con huevos frescos.'],
    ['German: a cake recipe', 'Rezept: Apfelkuchen', 'So gelingt der Klassiker aus Omas Küche.'],
    ['Arabic: a music festival', 'مهرجان الموسيقى العربية', 'يشارك فنانون من عشر دول على مدى أسبوع.'],
  ])('%s', (_name, title, summary) => {
    expect(tag(title, summary).themes).toEqual([]);
  });
});

describe('each language finds its themes', () => {
  it.each([
    [
      'en',
      'Authorities cut mobile internet during exams',
      'The telecom ministry switched off mobile data across the country for three hours each morning.',
      'shutdowns',
    ],
    [
      'en',
      'Court orders Telegram blocked nationwide',
      'Internet providers must block the messaging app within 24 hours.',
      'censorship',
    ],
    [
      'ru',
      'Роскомнадзор заблокировал популярный мессенджер',
      'Ведомство ограничило доступ к сервису на территории страны.',
      'censorship',
    ],
    [
      'ru',
      'В регионе отключили мобильный интернет',
      'Абоненты жалуются, что мобильный интернет не работает третьи сутки.',
      'shutdowns',
    ],
    [
      'ru',
      'Журналиста арестовали за пост в соцсетях',
      'Ему грозит до пяти лет лишения свободы за публикацию.',
      'free-expression',
    ],
    ['zh', '网信办要求平台清理违规账号', '对传播谣言的自媒体账号予以封禁。', 'censorship'],
    ['zh', '多地出现断网', '居民反映网络中断已持续数日。', 'shutdowns'],
    ['zh', '人脸识别系统进入校园', '学生担心个人信息被滥用。', 'surveillance'],
    [
      'fr',
      'La CNIL sanctionne un site pour ses traceurs',
      'Des données personnelles étaient collectées sans consentement.',
      'privacy',
    ],
    [
      'fr',
      'Un journaliste condamné pour une publication sur Facebook',
      'Il risque la prison pour diffamation.',
      'free-expression',
    ],
    [
      'es',
      'Campaña de desinformación antes de las elecciones',
      'Cuentas falsas difundieron noticias falsas.',
      'disinformation',
    ],
    ['es', 'Nueva ley de delitos informáticos', 'El texto se adapta al Convenio de Budapest.', 'cybercrime'],
    [
      'de',
      'Vorratsdatenspeicherung kehrt zurück',
      'Die Regierung plant eine anlasslose Speicherung von Verkehrsdaten.',
      'surveillance',
    ],
    [
      'de',
      'Bundesregierung will Ende-zu-Ende-Verschlüsselung schützen',
      'Das Scannen verschlüsselter Kommunikation wird abgelehnt.',
      'encryption',
    ],
    ['ar', 'حجب مواقع إخبارية مستقلة', 'السلطات حجبت عشرات المواقع دون قرار قضائي.', 'censorship'],
    ['ar', 'قطع الإنترنت خلال الامتحانات', 'قطعت الوزارة الإنترنت لساعتين كل صباح.', 'shutdowns'],
    ['ar', 'قانون جديد يهدد حرية التعبير', 'يفرض القانون السجن على منشورات عبر الإنترنت.', 'free-expression'],
  ])('%s: %s', (lang, title, summary, theme) => {
    expect(tag(title, summary, lang).themes).toContain(theme);
  });
});

// Short headlines: one per theme and language, as a domain reader would phrase them.
const HEADLINES: [string, string][] = [
  ['السلطات حجبت موقع الصحيفة', 'censorship'],
  ['الحكومة تحجب منصة تيك توك', 'censorship'],
  ['قطعت السلطات خدمة الإنترنت في البلاد', 'shutdowns'],
  ['اعتقلت الشرطة الصحفي بسبب منشور على فيسبوك', 'free-expression'],
  ['استخدام برامج التجسس ضد الناشطين', 'surveillance'],
  ['المراقبة الجماعية للاتصالات', 'surveillance'],
  ['تطبيقات التراسل المشفرة', 'encryption'],
  ['هجوم إلكتروني على وزارة الصحة', 'cybersecurity'],
  ['قانون لتنظيم الذكاء الاصطناعي', 'ai-governance'],
  ['حملة تضليل إعلامي على وسائل التواصل', 'disinformation'],
  ['قانون حماية البيانات الشخصية', 'privacy'],
  ['كابل بحري جديد يربط مصر بأوروبا', 'infrastructure'],
  ['منتدى حوكمة الإنترنت', 'internet-governance'],
  ['政府封锁了多个境外网站', 'censorship'],
  ['当局切断了该地区的互联网', 'shutdowns'],
  ['记者因发帖被拘留', 'free-expression'],
  ['警方使用人脸识别监控抗议者', 'surveillance'],
  ['端到端加密通讯应用', 'encryption'],
  ['黑客攻击政府网站', 'cybersecurity'],
  ['人工智能监管办法出台', 'ai-governance'],
  ['网络谣言治理', 'disinformation'],
  ['个人信息保护执法检查', 'privacy'],
  ['海底光缆建设', 'infrastructure'],
  ['美国对华为实施制裁', 'geopolitics'],
  ['Власти заблокировали доступ к сайту', 'censorship'],
  ['В регионе отключили интернет', 'shutdowns'],
  ['Журналиста задержали за публикацию в Telegram', 'free-expression'],
  ['Система видеонаблюдения с распознаванием лиц', 'surveillance'],
  ['Мессенджер со сквозным шифрованием', 'encryption'],
  ['Хакеры атаковали банк', 'cybersecurity'],
  ['Закон о регулировании искусственного интеллекта', 'ai-governance'],
  ['Распространение фейков в соцсетях', 'disinformation'],
  ['Утечка персональных данных', 'privacy'],
  ["Les autorités ont bloqué l'accès aux réseaux sociaux", 'censorship'],
  ["Coupure totale d'internet au Gabon", 'shutdowns'],
  ['Un journaliste arrêté pour un tweet', 'free-expression'],
  ['Surveillance de masse des communications', 'surveillance'],
  ['Le chiffrement de bout en bout menacé', 'encryption'],
  ['Cyberattaque contre un hôpital', 'cybersecurity'],
  ["Régulation de l'intelligence artificielle en Europe", 'ai-governance'],
  ['Campagne de désinformation sur TikTok', 'disinformation'],
  ['Protection des données personnelles', 'privacy'],
  ['El gobierno bloqueó el acceso a X', 'censorship'],
  ['Corte total de internet en la región', 'shutdowns'],
  ['Periodista detenido por un tuit', 'free-expression'],
  ['Vigilancia masiva de las comunicaciones', 'surveillance'],
  ['Cifrado de extremo a extremo', 'encryption'],
  ['Ciberataque contra el ministerio', 'cybersecurity'],
  ['Regulación de la inteligencia artificial', 'ai-governance'],
  ['Campaña de desinformación en redes', 'disinformation'],
  ['Protección de datos personales', 'privacy'],
  ['Regierung sperrt Zugang zu Webseiten', 'censorship'],
  ['Internet in der Region abgeschaltet', 'shutdowns'],
  ['Journalist wegen Tweet verhaftet', 'free-expression'],
  ['Massenüberwachung der Kommunikation', 'surveillance'],
  ['Ende-zu-Ende-Verschlüsselung in Gefahr', 'encryption'],
  ['Cyberangriff auf Krankenhaus', 'cybersecurity'],
  ['Regulierung künstlicher Intelligenz', 'ai-governance'],
  ['Desinformationskampagne auf TikTok', 'disinformation'],
  ['Schutz personenbezogener Daten', 'privacy'],
];

describe('short headlines in every language find their theme', () => {
  it.each(HEADLINES)('%s → %s', (title, theme) => {
    expect(tag(title).themes).toContain(theme);
  });
});

// Country names, adjectives, capitals as metonyms and institutions, in all seven languages.
const PLACES: [string, string][] = [
  ['Власти Китая ужесточили контроль', 'CN'],
  ['Правительство России', 'RU'],
  ['Президент США', 'US'],
  ['Еврокомиссия предложила', 'EU'],
  ['Власти Ирана', 'IR'],
  ['الحكومة الصينية', 'CN'],
  ['السلطات الروسية', 'RU'],
  ['الولايات المتحدة', 'US'],
  ['الاتحاد الأوروبي', 'EU'],
  ['في مصر', 'EG'],
  ['السلطات الإيرانية', 'IR'],
  ['في السعودية', 'SA'],
  ['中国政府', 'CN'],
  ['俄罗斯当局', 'RU'],
  ['美国国会', 'US'],
  ['欧盟委员会', 'EU'],
  ['伊朗当局', 'IR'],
  ['印度政府', 'IN'],
  ['le gouvernement chinois', 'CN'],
  ['la Russie', 'RU'],
  ['les États-Unis', 'US'],
  ["l'Union européenne", 'EU'],
  ["l'Algérie", 'DZ'],
  ['au Maroc', 'MA'],
  ['el gobierno chino', 'CN'],
  ['Rusia', 'RU'],
  ['Estados Unidos', 'US'],
  ['la Unión Europea', 'EU'],
  ['en Venezuela', 'VE'],
  ['en Nicaragua', 'NI'],
  ['die chinesische Regierung', 'CN'],
  ['Russlands Regierung', 'RU'],
  ['die Vereinigten Staaten', 'US'],
  ['die Europäische Union', 'EU'],
  ['in der Türkei', 'TR'],
  ['The Kremlin said', 'RU'],
  ["Beijing's regulators", 'CN'],
  ['Tehran blocked the site', 'IR'],
  ['the White House', 'US'],
  ['Downing Street said', 'GB'],
];

describe('regions are found in every language', () => {
  it.each(PLACES)('%s → %s', (title, region) => {
    expect(tag(title).regions).toContain(region);
  });
});

describe('explanations name the matched terms', () => {
  it('for themes and regions, in the text’s own spelling', () => {
    const t = tag(
      'Roskomnadzor blocks Telegram in Russia',
      'Access to the messenger was restricted after a court ruling.',
    );
    expect(t.themes).toContain('censorship');
    expect(t.why.censorship!.join(' ')).toMatch(/blocks \[\+Telegram\]/);
    expect(t.regions).toEqual(['RU']);
    expect(t.why.RU).toEqual(expect.arrayContaining(['Roskomnadzor', 'Russia']));
  });

  it('with an entry for every tag and none for anything else', () => {
    const t = tag('EU AI Act enters into force', 'Obligations for high-risk AI systems apply next year.');
    expect(Object.keys(t.why).sort()).toEqual([...t.themes, ...t.regions].sort());
    for (const key of Object.keys(t.why)) expect(t.why[key]!.length).toBeGreaterThan(0);
  });
});

describe('source prior', () => {
  it('alone creates no tag', () => {
    const t = tag('Meet our new board members', 'Three trustees join the foundation this year.', 'en', [
      'standards',
      'internet-governance',
      'infrastructure',
    ]);
    expect(t.themes).toEqual([]);
  });

  it('lifts weak evidence over the threshold and is named in the explanation', () => {
    // A weak term plus a standards-body name score 0.8: not enough alone, enough with the prior.
    const title = 'Interoperability debated at the ITU';
    expect(tag(title).themes).toEqual([]);
    const t = tag(title, '', 'en', ['standards']);
    expect(t.themes).toEqual(['standards']);
    expect(t.why.standards).toEqual(['Interoperability', 'ITU', PRIOR_NOTE]);
  });
});

describe('datelines and venues do not create regions', () => {
  it.each([
    ['GENEVA — The ITU published its annual statistics on connectivity.'],
    ['Brussels, 3 May (Reuters) - Officials met to discuss the budget.'],
    ['BEIJING (AP) — Stocks rose on Monday.'],
    ['МОСКВА, 3 мая. /ТАСС/. Конференция открылась в понедельник.'],
    ['新华社北京5月3日电 会议在京开幕。'],
  ])('%s', (summary) => {
    expect(tag('Conference opens', summary).regions).toEqual([]);
  });

  it('an event held in a capital is not about that country', () => {
    expect(
      tag('ICANN meeting in Washington, D.C.: travel information', 'Book your hotel near the venue.').regions,
    ).toEqual([]);
    expect(tag('Photo contest winners shown at headquarters in Geneva', '').regions).toEqual([]);
  });

  it('a capital standing for its government is', () => {
    expect(tag('Moscow blocked the messenger', '').regions).toEqual(['RU']);
    expect(tag('Beijing said the rules protect users', '').regions).toEqual(['CN']);
    expect(tag('Kremlin denies hacking claims', '').regions).toEqual(['RU']);
  });
});

describe('the origin article (own gist)', () => {
  // Our own short summary of the opinion piece the project grew from, not its text.
  const title = 'China and Russia push their model of internet governance';
  const summary = [
    'During the Beijing Winter Olympics the Chinese and Russian presidents issued a joint statement backing the',
    '"internationalization of Internet governance", a larger role for the ITU and a UN convention on cybercrime.',
    'Both states censor the web, ban foreign social media platforms, jail dissidents for their posts and have run',
    'misinformation campaigns to meddle in elections, including in the US. Olympic visitors had to use the My2022 app,',
    "which researchers found harvesting personal data. Russia made Apple and Google drop Navalny's voting app from",
    'their app stores and keeps blocking Tor and VPN services. China Standards 2035 aims to shape global technical',
    'standards; the European Union answered with its standardisation strategy and coordination with Washington in',
    'the EU–US Trade and Technology Council.',
  ].join(' ');

  it('is tagged with the themes and regions of the worked example', () => {
    const t = tag(title, summary, 'en');
    expect(t.themes).toEqual(
      expect.arrayContaining([
        'internet-governance',
        'standards',
        'censorship',
        'surveillance',
        'cybercrime',
        'disinformation',
        'geopolitics',
        'free-expression',
        'platforms',
      ]),
    );
    expect([...t.regions].sort()).toEqual(['CN', 'EU', 'RU', 'US']);
  });
});

describe('own labelled set', () => {
  const rows = readFileSync(`${root}test/fixtures/tagging/labelled.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledItem & { lang: string; title: string; summary: string });

  it('covers all seven languages and has negatives', () => {
    const langs = new Set(rows.map((r) => r.lang));
    expect([...langs].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'ru', 'zh']);
    expect(rows.length).toBeGreaterThanOrEqual(80);
    expect(rows.filter((r) => r.themes.length === 0).length).toBeGreaterThanOrEqual(10);
    for (const r of rows) for (const t of r.themes) expect(THEME_IDS).toContain(t);
  });

  it('is tagged above the quality floor (macro-F1 ≥ 0.85 themes, F1 ≥ 0.90 regions)', () => {
    const predicted = rows.map((r) => {
      const t = tagger.tag({ title: r.title, summary: r.summary, lang: r.lang });
      return { id: r.id, themes: t.themes, regions: t.regions };
    });
    const report = evaluate(rows, predicted, THEME_IDS);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.85);
    expect(report.regions.f1).toBeGreaterThanOrEqual(0.9);
  });
});
