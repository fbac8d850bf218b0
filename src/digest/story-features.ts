// Text features for deciding whether two items tell the same story: stemmed content words
// (same-language comparison) and name-like "anchors" that survive translation (Latin-script
// names inside Russian or Chinese text, transliterated Cyrillic names, acronyms, numbers).
import type { StoredItem } from '../model.ts';

export type Script = 'latin' | 'cyrillic' | 'cjk' | 'arabic' | 'other';

export interface StoryFeatures {
  id: number;
  feedId: string;
  url: string | null;
  /** Epoch ms of `published` (or first seen when the date was estimated). */
  time: number;
  script: Script;
  lang: string | null;
  /** Stemmed content words of the title. */
  titleWords: Set<string>;
  /** Stemmed content words of title and summary. */
  words: Set<string>;
  /** Script-neutral keys of every token (transliterated, 5-letter prefix; numbers whole). */
  keys: Set<string>;
  /** The subset of keys that look like names: what can match across languages. */
  anchors: Set<string>;
  /** The tagger's regions (upper case): reports of one event do not disagree on all of them. */
  regions: Set<string>;
  /** Digit runs in the title not glued to a preceding letter (W3C), other than years (versions, RFC numbers, counts). */
  titleNumbers: Set<string>;
}

const STOPWORDS = new Set(
  // English
  (
    'a an the and or but of in on at to for from by with without about after before over under ' +
    'into onto as is are was were be been being has have had do does did will would can could ' +
    'may might must should shall it its this that these those there their they them he she his her ' +
    'we our you your i not no new says said say also more most than then up out off amid against ' +
    'how what why who when which while where report reports via week year years day today now ' +
    // French
    'le la les un une des du de d l et ou au aux en dans sur pour par avec sans sous est sont ' +
    'a été qui que quoi dont ce cet cette ces son sa ses leur leurs il elle ils elles nous vous ' +
    'ne pas plus se ' +
    // Spanish
    'el los las unos unas del al y o en con sin por para es son fue ser que su sus lo se ' +
    'como más no ' +
    // German
    'der die das den dem des ein eine einen einem einer und oder im am zum zur von mit für auf ' +
    'aus bei ist sind war wird werden hat haben nicht sich auch nach über wie ' +
    // Russian
    'и в во на с со к ко о об от до по за из у а но или что как это не ни для при же бы ли ' +
    'его ее её их он она они мы вы был была были будет который которая которые также ' +
    'после перед против более'
  ).split(/\s+/),
);

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu',
  я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
}; // prettier-ignore

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// CJK runs are tokens of their own, so "TikTok母公司" yields the name "TikTok".
const TOKEN_RE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;
const YEAR_RE = /^(19|20)\d\d$/;

const ASCII = /^[\x20-\x7e]*$/;
const CYRILLIC = /\p{Script=Cyrillic}/u;

function stripMarks(s: string): string {
  return ASCII.test(s) ? s : s.normalize('NFD').replace(/\p{M}+/gu, '');
}

function transliterate(lower: string): string {
  if (!CYRILLIC.test(lower)) return lower;
  let out = '';
  for (const ch of lower) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out;
}

/** Cross-language key of a token: transliterated, accent-free, 5-letter prefix; numbers whole. */
export function keyOf(token: string): string {
  const plain = stripMarks(transliterate(token.toLowerCase())).replace(/[^\p{L}\p{N}]/gu, '');
  if (/\d/.test(plain)) return plain;
  return plain.slice(0, 5);
}

function stem(lowerToken: string): string {
  // A crude prefix stem: folds most English/French/Russian inflections ("blocks",
  // "blocked"; "блокировка", "блокировку") without a per-language stemmer.
  return lowerToken.length > 6 ? lowerToken.slice(0, 6) : lowerToken;
}

const SCRIPT_RES: Array<[Script, RegExp, number]> = [
  ['latin', /\p{Script=Latin}/gu, 1],
  ['cyrillic', /\p{Script=Cyrillic}/gu, 1],
  // One Han character carries about a word's weight.
  ['cjk', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu, 2],
  ['arabic', /\p{Script=Arabic}/gu, 1],
];

function scriptOf(text: string): Script {
  let best: Script = 'other';
  let n = 0;
  for (const [script, re, weight] of SCRIPT_RES) {
    const c = (text.match(re)?.length ?? 0) * weight;
    if (c > n) {
      best = script;
      n = c;
    }
  }
  return best;
}

interface RawToken {
  text: string;
  /** First token of its text or after sentence punctuation: its capital says nothing. */
  sentenceStart: boolean;
}

function rawTokens(text: string): RawToken[] {
  const out: RawToken[] = [];
  let last = 0;
  let first = true;
  const norm = text.normalize('NFKC');
  for (const m of norm.matchAll(TOKEN_RE)) {
    const gap = norm.slice(last, m.index);
    const sentenceStart = first || /[.!?:;«"“]\s*$/.test(gap);
    out.push({ text: m[0], sentenceStart });
    last = m.index + m[0].length;
    first = false;
  }
  return out;
}

/** Lowercase content words; CJK runs become character bigrams. */
function contentWords(tokens: RawToken[]): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) {
    const lower = stripMarks(t.text.toLowerCase());
    if (CJK_RE.test(lower)) {
      const chars = [...lower];
      if (chars.length === 1) out.add(lower);
      for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
      continue;
    }
    if (STOPWORDS.has(lower) || STOPWORDS.has(t.text.toLowerCase())) continue;
    if (lower.length < 2 && !/\d/.test(lower)) continue;
    out.add(stem(lower));
  }
  return out;
}

function isTitleCase(tokens: RawToken[]): boolean {
  const long = tokens.filter((t) => /^\p{L}{4,}$/u.test(t.text));
  if (long.length < 3) return false;
  const caps = long.filter((t) => /^\p{Lu}/u.test(t.text)).length;
  return caps / long.length >= 0.6;
}

/** Tokens that appear in too many stories of this domain to identify one. */
const GENERIC_ANCHORS = new Set(
  (
    'un eu us usa uk ai vpn internet online digital new the ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april ' +
    'june july august september october november december ' +
    'government state ministry minister court president report'
  )
    .split(/\s+/)
    .map((w) => keyOf(w)),
);

function addAnchors(tokens: RawToken[], script: Script, capsMeanNames: boolean, out: Set<string>): void {
  for (const t of tokens) {
    const key = keyOf(t.text);
    if (!key || GENERIC_ANCHORS.has(key)) continue;
    const hasDigit = /\d/.test(t.text);
    if (hasDigit) {
      // Years are shared by every story of the year; other numbers (20 in "WSIS+20", 47
      // journalists, Resolution 67) and codes ("3GPP", "G7") are specific.
      if (!YEAR_RE.test(t.text) && (t.text.length >= 2 || /\p{L}/u.test(t.text))) out.add(key);
      continue;
    }
    const isLatin = /^\p{Script=Latin}+$/u.test(t.text);
    if (script !== 'latin' && isLatin && t.text.length >= 2) {
      out.add(key); // a Latin word inside Russian/Chinese/Arabic text is almost always a name
      continue;
    }
    if (
      t.text.length >= 2 &&
      t.text === t.text.toUpperCase() &&
      /\p{Lu}/u.test(t.text) &&
      t.text.length <= 8
    ) {
      out.add(key); // acronym
      continue;
    }
    if (capsMeanNames && !t.sentenceStart && t.text.length >= 3 && /^\p{Lu}\p{Ll}/u.test(t.text))
      out.add(key);
  }
}

function itemTime(item: StoredItem): number {
  const t = Date.parse(item.publishedEstimated ? item.firstSeen : item.published);
  return Number.isFinite(t) ? t : Date.parse(item.firstSeen);
}

export function storyFeatures(item: StoredItem): StoryFeatures {
  const titleTokens = rawTokens(item.title);
  const summaryTokens = rawTokens(item.summary);
  const script = scriptOf(`${item.title} ${item.summary}`);
  const keys = new Set<string>();
  for (const t of [...titleTokens, ...summaryTokens]) {
    const lower = t.text.toLowerCase();
    if (STOPWORDS.has(lower) || CJK_RE.test(t.text)) continue;
    const k = keyOf(t.text);
    if (k.length >= 2 || /\d/.test(k)) keys.add(k);
  }
  const anchors = new Set<string>();
  // German capitalises every noun, so capitals mark names only outside German.
  const capsMeanNames = item.lang?.toLowerCase().startsWith('de') !== true;
  addAnchors(titleTokens, script, capsMeanNames && !isTitleCase(titleTokens), anchors);
  addAnchors(summaryTokens, script, capsMeanNames, anchors);
  return {
    id: item.id,
    feedId: item.feedId,
    url: item.url,
    time: itemTime(item),
    script,
    lang: item.lang ? item.lang.toLowerCase().slice(0, 2) : null,
    titleWords: contentWords(titleTokens),
    words: contentWords([...titleTokens, ...summaryTokens]),
    keys,
    anchors,
    regions: new Set(item.regions.map((r) => r.toUpperCase())),
    titleNumbers: new Set(
      (item.title.normalize('NFKC').match(/(?<![\p{L}\p{N}])\d+/gu) ?? []).filter((n) => !YEAR_RE.test(n)),
    ),
  };
}

/** Compact JSON of features, stored with the item so they are computed once. */
export function featuresToJson(f: StoryFeatures): string {
  return JSON.stringify({
    v: 1,
    f: f.feedId,
    u: f.url,
    t: f.time,
    s: f.script,
    l: f.lang,
    tw: [...f.titleWords],
    w: [...f.words],
    k: [...f.keys],
    a: [...f.anchors],
    r: [...f.regions],
    n: [...f.titleNumbers],
  });
}

interface FeaturesJson {
  v: number;
  f: string;
  u: string | null;
  t: number;
  s: Script;
  l: string | null;
  tw: string[];
  w: string[];
  k: string[];
  a: string[];
  r: string[];
  n: string[];
}

/** Features read back from their JSON; null when the format is not this version's. */
export function featuresFromJson(id: number, json: string): StoryFeatures | null {
  const o = JSON.parse(json) as FeaturesJson;
  if (o.v !== 1) return null;
  return {
    id,
    feedId: o.f,
    url: o.u,
    time: o.t,
    script: o.s,
    lang: o.l,
    titleWords: new Set(o.tw),
    words: new Set(o.w),
    keys: new Set(o.k),
    anchors: new Set(o.a),
    regions: new Set(o.r),
    titleNumbers: new Set(o.n),
  };
}
