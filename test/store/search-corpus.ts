// A fixed small multilingual corpus and a fixed set of queries with their expected results.
// Every Store adapter is checked against these (test/store/contract.ts), so two adapters
// that pass return the same top ids for the same data and query.
import type { FeedSource, TaggedItem, ThemeId } from '../../src/model.ts';
import type { SearchQuery } from '../../src/store/types.ts';

export const CORPUS_FEEDS: FeedSource[] = [
  {
    id: 'eff',
    name: 'EFF Deeplinks',
    url: 'https://www.eff.org/rss/updates.xml',
    kind: 'rights',
    language: 'en',
    origin: 'operator',
  },
  {
    id: 'itu',
    name: 'ITU News',
    url: 'https://www.itu.int/hub/feed/',
    kind: 'standards',
    language: 'en',
    origin: 'operator',
  },
  {
    id: 'ru-watch',
    name: 'Роскомсвобода',
    url: 'https://roskomsvoboda.org/feed/',
    kind: 'rights',
    language: 'ru',
    origin: 'operator',
  },
  {
    id: 'cn-news',
    name: '网络治理观察',
    url: 'https://example.cn/feed.xml',
    kind: 'media',
    language: 'zh',
    origin: 'operator',
  },
];

interface CorpusItem {
  feedId: string;
  item: TaggedItem;
}

function entry(
  feedId: string,
  guid: string,
  published: string,
  title: string,
  summary: string,
  themes: ThemeId[],
  regions: string[],
): CorpusItem {
  return {
    feedId,
    item: {
      guid,
      title,
      url: `https://example.org/${feedId}/${guid}`,
      author: null,
      summary,
      published,
      publishedEstimated: false,
      lang: null,
      themes,
      regions,
      why: {},
    },
  };
}

/** Inserted in this order (feed by feed, as polls would), so ids are the same everywhere. */
export const CORPUS_ITEMS: CorpusItem[] = [
  entry(
    'eff',
    'e1',
    '2025-01-10T09:00:00Z',
    'EFF sues over mass surveillance program',
    'The lawsuit challenges bulk collection of phone records by the NSA.',
    ['surveillance'],
    ['US'],
  ),
  entry(
    'eff',
    'e2',
    '2025-02-01T09:00:00Z',
    'End-to-end encryption under threat in Britain',
    'The Online Safety Act could force messaging apps to scan private messages.',
    ['encryption', 'platforms'],
    ['GB'],
  ),
  entry(
    'eff',
    'e3',
    '2024-11-05T09:00:00Z',
    'Spyware vendor sanctioned',
    'Predator spyware maker faces sanctions after surveillance abuses.',
    ['surveillance'],
    ['US'],
  ),
  entry(
    'eff',
    'e4',
    '2024-09-20T09:00:00Z',
    'Internet shutdown in Iran during protests',
    'Mobile data was cut across several provinces, OONI measurements show.',
    ['shutdowns'],
    ['IR'],
  ),
  entry(
    'eff',
    'e5',
    '2024-06-01T09:00:00Z',
    'Court upholds VPN ban',
    'Users who reach blocked websites through VPN apps face fines.',
    ['censorship'],
    ['RU'],
  ),
  entry(
    'eff',
    'e6',
    '2025-03-15T09:00:00Z',
    'Data protection authority fines platform',
    'A record GDPR fine over transfers of personal data to America.',
    ['privacy'],
    ['EU'],
  ),
  entry(
    'itu',
    'i1',
    '2025-04-01T09:00:00Z',
    'Study group approves standard for quantum key distribution',
    'The recommendation covers quantum networks and key management.',
    ['standards'],
    [],
  ),
  entry(
    'itu',
    'i2',
    '2024-12-01T09:00:00Z',
    'Radiocommunication conference allocates spectrum for satellites',
    'Decisions on spectrum for satellite broadband and mobile networks.',
    ['infrastructure'],
    [],
  ),
  entry(
    'itu',
    'i3',
    '2025-05-01T09:00:00Z',
    'IETF publishes RFC on Encrypted Client Hello',
    'Encrypted Client Hello hides the server name from network observers.',
    ['standards', 'encryption'],
    [],
  ),
  entry(
    'itu',
    'i4',
    '2024-09-22T09:00:00Z',
    'Global Digital Compact adopted at the UN',
    'Governments agreed on principles for internet governance and data.',
    ['internet-governance'],
    [],
  ),
  entry(
    'ru-watch',
    'r1',
    '2025-01-20T09:00:00Z',
    'Роскомнадзор заблокировал популярные VPN-сервисы',
    'Блокировка затронула пользователей в нескольких регионах России.',
    ['censorship'],
    ['RU'],
  ),
  entry(
    'ru-watch',
    'r2',
    '2024-10-10T09:00:00Z',
    'Законопроект о суверенном интернете',
    'Депутаты предложили усилить контроль над трафиком и цензуру в сети.',
    ['internet-governance', 'censorship'],
    ['RU'],
  ),
  entry(
    'ru-watch',
    'r3',
    '2025-06-01T09:00:00Z',
    'Отключения мобильного интернета в регионах',
    'Мобильный интернет отключают из-за угроз беспилотников.',
    ['shutdowns'],
    ['RU'],
  ),
  entry(
    'ru-watch',
    'r4',
    '2024-08-15T09:00:00Z',
    'Суд оштрафовал журналиста за пост',
    'Журналиста оштрафовали за публикацию в социальной сети.',
    ['free-expression'],
    ['RU'],
  ),
  entry(
    'cn-news',
    'z1',
    '2024-10-01T09:00:00Z',
    '网信办发布网络数据安全管理条例',
    '条例规定了个人信息保护和数据出境的要求。',
    ['privacy'],
    ['CN'],
  ),
  entry(
    'cn-news',
    'z2',
    '2025-02-15T09:00:00Z',
    '中国互联网治理国际合作',
    '中俄两国在互联网治理领域加强合作，推动网络主权。',
    ['internet-governance', 'geopolitics'],
    ['CN', 'RU'],
  ),
  entry(
    'cn-news',
    'z3',
    '2025-03-20T09:00:00Z',
    '人工智能生成内容标识办法',
    '规定要求对人工智能生成的内容进行标识。',
    ['ai-governance'],
    ['CN'],
  ),
  entry(
    'cn-news',
    'z4',
    '2024-07-01T09:00:00Z',
    '防火长城封锁更多境外网站',
    '大量境外网站和翻墙软件被封锁。',
    ['censorship'],
    ['CN'],
  ),
];

export interface ParityQuery {
  name: string;
  query: SearchQuery;
  /** Guid expected first (only where any sensible ranking agrees). */
  top?: string;
  /** Exactly the guids that match, in any order. */
  matches: string[];
}

export const PARITY_QUERIES: ParityQuery[] = [
  { name: 'single rare English word', query: { text: 'spyware' }, top: 'e3', matches: ['e3'] },
  { name: 'title hit outranks body hit', query: { text: 'surveillance' }, top: 'e1', matches: ['e1', 'e3'] },
  { name: 'all words must match', query: { text: 'encrypted client hello' }, top: 'i3', matches: ['i3'] },
  { name: 'case and punctuation ignored', query: { text: 'QUANTUM, key!' }, top: 'i1', matches: ['i1'] },
  { name: 'English plural finds singular', query: { text: 'satellites' }, top: 'i2', matches: ['i2'] },
  {
    name: 'Russian inflected form (accusative → nominative query)',
    query: { text: 'цензура' },
    top: 'r2',
    matches: ['r2'],
  },
  { name: 'Russian noun form in another case', query: { text: 'блокировки' }, top: 'r1', matches: ['r1'] },
  {
    name: 'Russian plural finds genitive singular',
    query: { text: 'журналисты' },
    top: 'r4',
    matches: ['r4'],
  },
  { name: 'Russian two words', query: { text: 'мобильный интернет' }, top: 'r3', matches: ['r3'] },
  { name: 'Chinese multi-character word', query: { text: '互联网治理' }, top: 'z2', matches: ['z2'] },
  { name: 'Chinese word inside a longer run', query: { text: '封锁' }, top: 'z4', matches: ['z4'] },
  { name: 'Chinese two-character word', query: { text: '人工智能' }, top: 'z3', matches: ['z3'] },
  { name: 'mixed scripts', query: { text: 'VPN' }, matches: ['e5', 'r1'] },
  { name: 'theme filter', query: { text: 'encrypted', themes: ['standards'] }, top: 'i3', matches: ['i3'] },
  { name: 'region filter', query: { text: 'VPN', regions: ['RU'] }, matches: ['e5', 'r1'] },
  { name: 'source filter', query: { text: 'VPN', sources: ['ru-watch'] }, top: 'r1', matches: ['r1'] },
  {
    name: 'date filter',
    query: { text: 'surveillance', since: '2025-01-01T00:00:00Z' },
    top: 'e1',
    matches: ['e1'],
  },
  {
    name: 'date range',
    query: { text: 'VPN', since: '2024-01-01T00:00:00Z', until: '2024-12-31T23:59:59Z' },
    top: 'e5',
    matches: ['e5'],
  },
  { name: 'filters only', query: { text: '', themes: ['shutdowns'] }, top: 'r3', matches: ['r3', 'e4'] },
  {
    name: 'filters only, several regions',
    query: { text: '', regions: ['CN', 'IR'] },
    top: 'z3',
    matches: ['z1', 'z2', 'z3', 'z4', 'e4'],
  },
  { name: 'no match', query: { text: 'blockchain' }, matches: [] },
];
