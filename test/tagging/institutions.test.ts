import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGazetteerYaml } from '../../src/tagging/gazetteer.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';

// Institutions, regulators, security agencies, laws, telcos and leaders per country (the
// `*-institutions` entries of feeds/gazetteer.yaml): each names its country without saying it,
// in each of the seven languages, and tags alone (rules only here; the model decides themes).
const root = fileURLToPath(new URL('../..', import.meta.url));
const tagger = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
const regionsOf = (title: string, summary = ''): string[] => tagger.tag({ title, summary }).regions;
const entries = parseGazetteerYaml(readFileSync(`${root}feeds/gazetteer.yaml`, 'utf8'));

describe('institution coverage', () => {
  it('has a per-country institutions entry for 190+ regions, each in the seven languages', () => {
    const inst = entries.filter((e) => e.id === `${e.region.toLowerCase()}-institutions`);
    expect(new Set(inst.map((e) => e.region)).size).toBeGreaterThanOrEqual(190);
    for (const e of inst) {
      for (const l of ['en', 'ru', 'zh', 'ar', 'es', 'fr', 'de'])
        expect((e.byLang[l] ?? []).length, `${e.id} ${l}`).toBeGreaterThan(0);
    }
  });
});

describe('institution → region, per language', () => {
  it.each([
    // English
    ['PEMRA bans coverage of the protest march', 'PK'],
    ['MI5 warns of state-backed hacking against MPs', 'GB'],
    ['Mossad accused of running fake accounts', 'IL'],
    ['Jogorku Kenesh passes the false-information bill', 'KG'],
    ['ASIO chief says foreign spies target telecoms staff', 'AU'],
    ['Tshisekedi orders an internet cut in the east', 'CD'],
    ['Nawrocki vetoes the platform regulation bill', 'PL'],
    ['Mitsotakis promises a social media ban for children', 'GR'],
    ['Dewan Rakyat passes the Online Safety Bill', 'MY'],
    ['Hichilema signs the cyber security and cyber crimes act', 'ZM'],
    // Russian
    ['Кнессет одобрил закон о слежке за телефонами', 'IL'],
    ['Мажилис принял поправки о блокировке сайтов', 'KZ'],
    ['Олий Мажлис одобрил закон о персональных данных', 'UZ'],
    ['Вучич пообещал принять закон о СМИ', 'RS'],
    ['Фицо обвинил НКО в иностранном влиянии', 'SK'],
    ['Токаев подписал закон об искусственном интеллекте', 'KZ'],
    // Chinese
    ['摩萨德被指利用间谍软件', 'IL'],
    ['内塔尼亚胡政府批准监控法案', 'IL'],
    ['武契奇称将审查社交媒体', 'RS'],
    ['朝中社称新法将保护网络安全', 'KP'],
    ['佩通坦下令封锁诈骗网站', 'TH'],
    ['军情五处警告网络攻击风险', 'GB'],
    // Arabic
    ['الكنيست يصادق على قانون المراقبة', 'IL'],
    ['قوات الدعم السريع تقطع الاتصالات في دارفور', 'SD'],
    ['أخنوش يعلن استراتيجية رقمية جديدة', 'MA'],
    ['نتنياهو يهاجم منصات التواصل', 'IL'],
    ['بزشكيان يعد برفع الحجب عن المواقع', 'IR'],
    ['الحرس الثوري يعتقل مدونين', 'IR'],
    // Spanish
    ['El Congreso de los Diputados aprueba la ley de protección de menores en entornos digitales', 'ES'],
    ['Sheinbaum propone desaparecer el IFT', 'MX'],
    ['Bukele defiende la vigilancia de redes sociales', 'SV'],
    ['OSIPTEL ordena bloquear aplicaciones de apuestas', 'PE'],
    ['Noboa decreta la suspensión de internet en las cárceles', 'EC'],
    ['Las Cortes Generales debaten la ley de servicios digitales', 'ES'],
    // French
    ['La DGSI alerte sur des ingérences numériques', 'FR'],
    ['Lecornu promet une loi sur les réseaux sociaux', 'FR'],
    ['Tebboune ordonne la coupure d’internet pendant le bac', 'DZ'],
    ['La HACA sanctionne une chaîne de télévision', 'MA'],
    ['Kaïs Saïed durcit le décret 54', 'TN'],
    ['Le capitaine Traoré suspend des médias étrangers', 'BF'],
    // German
    ['Der BND soll mehr Befugnisse im Netz bekommen', 'DE'],
    ['Verfassungsschutz warnt vor Desinformation', 'DE'],
    ['Bundestagsabgeordnete fordern ein Verbot', 'DE'],
    ['Van der Bellen unterzeichnet die Messenger-Überwachung', 'AT'],
    ['Das BAKOM prüft die Frequenzvergabe', 'CH'],
    ['Selenskyj unterzeichnet Gesetz gegen Telegram', 'UA'],
    // second pass: smaller states, laws with a year, names with the Chinese middle dot
    ['President Duma Boko signs the data protection bill', 'BW'],
    ['Kurti government bans Serbian-registered SIM cards', 'XK'],
    ['Pope Leo XIV warns that AI must not replace human judgment', 'VA'],
    ['Turkcell throttles X after the protests', 'TR'],
    ['Australia reviews the Online Safety Act 2021', 'AU'],
    ['Ofcom enforces the Online Safety Act 2023 against a forum', 'GB'],
    ['Служба внешней разведки: СВР обвинила Лондон', 'RU'],
    ['马克·卡尼表示将加强人工智能监管', 'CA'],
    ['伊尔凡·阿里称将扩大网络覆盖', 'GY'],
    ['دوديك يهدد بالانفصال', 'BA'],
    ['Mnangagwa signe la loi sur la cybersécurité', 'ZW'],
    ['Rajoelina coupe les réseaux sociaux', 'MG'],
  ])('%s → %s', (title, code) => {
    expect(regionsOf(title)).toContain(code);
  });
});

// Names left out or narrowed because they also mean something else.
describe('names that also mean something else stay untagged', () => {
  it.each([
    ['Francesca Albanese presents her report on Gaza', 'AU'],
    ['How to raise your FICO score before applying for a loan', 'SK'],
    ['Тусклый экран смартфона: что делать', 'PL'],
    ['Прыжки с трамплина отменили из-за ветра', 'US'],
    ['他信任这个平台的隐私政策', 'TH'],
    ['哥伦比亚总统呼吁加强网络监管', 'CM'],
    ['El sabor del café colombiano conquista Europa', 'HR'],
    ['Las monedas de colección suben de precio: la moneda de 2 euros', 'CL'],
    ['Al Shabab gana la liga saudí', 'SO'],
    ['وزارة التعليم تطلق مبادرة بحماس كبير', 'PS'],
    ['沙拉和水果的营养价值', 'SY'],
    ['普鲁托是矮行星', 'KE'],
    ['阿莫迪谈人工智能安全', 'IN'],
    ['轻松科技公司发布新产品', 'SN'],
    ['Duma Boko wins the election', 'RU'],
    ['Les accords de Matignon ont ouvert la voie au référendum', 'FR'],
    ['Denmark debates a social media minimum age for children', 'AU'],
    ['وهو معزو إلى خطأ تقني', 'MV'],
    ['The Kids Online Safety Act returns to the Senate', 'GB'],
    ['卡尼表示', 'CA'],
  ])('%s ↛ %s', (title, code) => {
    expect(regionsOf(title)).not.toContain(code);
  });
});
