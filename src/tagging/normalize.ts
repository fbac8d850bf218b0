// Text normalization and tokenization shared by rule compilation and matching, so a term
// written in feeds/*.yaml and the text it should find are reduced to the same form.

// Harakat, superscript alef, tatweel and Quranic marks.
const ARABIC_MARKS = /\u0640|[\u064B-\u065F]|\u0670|[\u06D6-\u06ED]/g;
const ARABIC_ALEF = /[\u0622\u0623\u0625\u0671]/g;
const ARABIC_BLOCK = /[\u0600-\u06FF]/;
const RARE_FOLDS = /[ёß\u2018\u2019\u02bc`´]/;
// Amman and Oman are both عمان once diacritics are dropped; a shadda on the mīm (عمّان) marks
// the capital, so that spelling is kept apart as the doubled letter (عممان) before the marks
// go. Whole word only, after an optional conjunction and preposition (وعمّان، بعمّان).
const AMMAN_SHADDA =
  /(?<![\u0620-\u064A\u066E-\u06D3])((?:[\u0648\u0641][\u064B-\u0652]?)?(?:[\u0628\u0644\u0643][\u064B-\u0652]?)?)\u0639\u064E?\u0645(?:\u0651\u064E?|\u064E\u0651)\u0627\u0646(?![\u0620-\u064A\u066E-\u06D3])/g;

/** NFKC, lowercase, ё→е, ß→ss, straight quotes, Arabic diacritics/tatweel removed and letters unified. */
export function normalizeText(text: string): string {
  return normalizeNfkc(toNfkc(text));
}

/**
 * `text.normalize('NFKC')`, without the call when every character is one NFKC leaves alone
 * (most feed text: Latin, Cyrillic, Arabic letters, Han, common punctuation).
 */
export function toNfkc(text: string): string {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    // ASCII and C1 controls, the bulk of most text, are stable without a table read.
    if (c >= 0xa0 && NFKC_STABLE[c] === 0) return text.normalize('NFKC');
  }
  return text;
}

function normalizeNfkc(nfkc: string): string {
  let s = nfkc.toLowerCase();
  // One test instead of three replacements on the many texts that need none of them.
  if (RARE_FOLDS.test(s)) {
    s = s
      .replace(/ё/g, 'е')
      .replace(/ß/g, 'ss')
      .replace(/[\u2018\u2019\u02bc`´]/g, "'");
  }
  if (ARABIC_BLOCK.test(s)) {
    s = s
      .replace(AMMAN_SHADDA, '$1\u0639\u0645\u0645\u0627\u0646')
      .replace(ARABIC_MARKS, '')
      .replace(ARABIC_ALEF, '\u0627')
      .replace(/\u0649/g, '\u064A') // alef maqsura → ya
      .replace(/\u0629/g, '\u0647') // ta marbuta → ha
      .replace(/\u0624/g, '\u0648') // waw with hamza → waw
      .replace(/\u0626/g, '\u064A'); // ya with hamza → ya
  }
  return s;
}

/**
 * A word or Han/kana run of a normalized text. Read-only to everyone but `TokenPool`, which
 * refills the tokens of a text no longer in use.
 */
export class Token {
  constructor(
    /** The normalized text the token is a piece of. */
    public src: string,
    /** Character offsets in `src`. */
    public start: number,
    public end: number,
    /** True for a run of Han/kana characters, matched by substring rather than as a word. */
    public cjk: boolean,
    /** `hashWord(norm)`, computed while scanning, for hash lookups without V8 hashing a new string. */
    public hash: number,
  ) {}

  /** Normalized form: sliced on demand, as matching reads the words in place. */
  get norm(): string {
    return this.src.slice(this.start, this.end);
  }
}

/**
 * Token objects for `tokenize` to refill, so a caller that tokenizes text after text (the
 * tagger, once per field and item) does not allocate a token per word each time. Tokens from
 * a pool are valid until the pool's next `tokenize`.
 */
export class TokenPool {
  private readonly tokens: Token[] = [];

  /** Token `k` of the current text, set to these values. */
  take(k: number, src: string, start: number, end: number, cjk: boolean, hash: number): Token {
    const t = this.tokens[k];
    if (t === undefined) {
      const made = new Token(src, start, end, cjk, hash);
      this.tokens.push(made);
      return made;
    }
    t.src = src;
    t.start = start;
    t.end = end;
    t.cjk = cjk;
    t.hash = hash;
    return t;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units; `tokenize` computes the same value inline. */
export function hashWord(w: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w.charCodeAt(k), FNV_PRIME);
  return h;
}

// Character classes for the BMP, computed once: 0 separator, 1 word (letter, digit, mark),
// 2 Han/kana (split off as their own runs: Chinese and Japanese do not separate words with
// spaces). A table lookup per character is several times faster than a Unicode regex.
const CHAR_CLASS = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const cjk = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;
  const word = /[\p{L}\p{N}\p{M}]/u;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // astral symbols (emoji, rare Han) separate words
    const ch = String.fromCharCode(c);
    if (c < 0x80) table[c] = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 0;
    else if (cjk.test(ch)) table[c] = 2;
    else if (word.test(ch)) table[c] = 1;
  }
  return table;
}

// Characters NFKC leaves alone whatever surrounds them: unchanged on their own, not a combining
// mark (marks are reordered and composed with the character before them) and not a Hangul
// jamo (the only other characters that compose with the one before). A string of them is its
// own NFKC form.
const NFKC_STABLE = buildNfkcStable();

function buildNfkcStable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const mark = /\p{M}/u;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // astral characters take the full path
    if (isJamo(c)) continue;
    const ch = String.fromCharCode(c);
    if (ch.normalize('NFKC') === ch && !mark.test(ch)) table[c] = 1;
  }
  return table;
}

function isJamo(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0x3130 && c <= 0x318f) ||
    (c >= 0xa960 && c <= 0xa97f) ||
    (c >= 0xd7b0 && c <= 0xd7ff)
  );
}

export interface Tokenized {
  norm: string;
  /** The text as shown to people: original spelling (NFKC) when offsets line up, else `norm`. */
  view: string;
  /** True when `view` is the original spelling, so case-sensitive terms can be checked. */
  cased: boolean;
  tokens: Token[];
}

/** Splits `original`, normalized, into tokens (refilled from `pool` when one is given). */
export function tokenize(original: string, pool?: TokenPool): Tokenized {
  const nfkc = toNfkc(original);
  const norm = normalizeNfkc(nfkc);
  // Normalization keeps lengths equal except for rare expansions (ß→ss, Arabic marks).
  const cased = nfkc.length === norm.length;
  const tokens: Token[] = [];
  const n = norm.length;
  let i = 0;
  while (i < n) {
    const c0 = norm.charCodeAt(i);
    const cls = CHAR_CLASS[c0]!;
    if (cls === 0) {
      i++;
      continue;
    }
    let h = Math.imul(FNV_OFFSET ^ c0, FNV_PRIME);
    let j = i + 1;
    while (j < n) {
      const c = norm.charCodeAt(j);
      if (CHAR_CLASS[c] !== cls) break;
      h = Math.imul(h ^ c, FNV_PRIME);
      j++;
    }
    tokens.push(
      pool ? pool.take(tokens.length, norm, i, j, cls === 2, h) : new Token(norm, i, j, cls === 2, h),
    );
    i = j;
  }
  return { norm, view: cased ? nfkc : norm, cased, tokens };
}

export function isArabicWord(token: string): boolean {
  return isArabicLetter(token.charCodeAt(0));
}

/** Whether a word starting with character code `c` is Arabic (see `arabicForms`). */
export function isArabicLetter(c: number): boolean {
  return c >= 0x0620 && c <= 0x06ff;
}

/**
 * Forms of an Arabic word with its clitic prefixes removed: conjunction (و، ف), preposition
 * (ب، ل، ك) and article (ال, or ل after ل as in للـ). The word itself is always the first form.
 */
export function arabicForms(word: string): string[] {
  const out = [word];
  const add = (w: string): void => {
    if (w.length >= 2 && !out.includes(w)) out.push(w);
  };
  for (const p1 of ['', '\u0648', '\u0641']) {
    if (!word.startsWith(p1)) continue;
    const a = word.slice(p1.length);
    for (const p2 of ['', '\u0628', '\u0644', '\u0643']) {
      if (!a.startsWith(p2)) continue;
      const b = a.slice(p2.length);
      add(b);
      if (b.startsWith('\u0627\u0644')) {
        add(b.slice(2));
        // Words like الكترونية begin with ال themselves, so the article may precede it.
        if (b.slice(2).startsWith('\u0627\u0644')) add(b.slice(4));
      }
      if (p2 === '\u0644' && b.startsWith('\u0644')) add(b.slice(1));
    }
  }
  return out;
}

/** The definite article is dropped from Arabic rule words; text words are tried with and without it. */
export function arabicPatternForm(word: string): string {
  return word.startsWith('\u0627\u0644') && word.length >= 5 ? word.slice(2) : word;
}

// Datelines and agency credits at the start of a text name where a story was filed, not
// what it is about: "GENEVA —", "Brussels, 3 May (Reuters) -", "МОСКВА, 3 мая. /ТАСС/.",
// "新华社北京5月3日电", "القاهرة (رويترز) -".
const DATELINE_PATTERNS: RegExp[] = [
  // ALL-CAPS place, optional ", anything short", optional "(Agency)", then a dash.
  /^\s*\p{Lu}[\p{Lu}\p{M} .'’-]{1,40}?(?:,[^—–\n]{1,40}?)?\s*(?:\([^()\n]{1,40}\))?\s*[—–-]{1,2}\s+/u,
  // Titlecase place + date, optional agency, then a dash or full stop.
  /^\s*\p{Lu}[\p{L}\p{M}.'’ -]{1,30}?,\s*(?:\d{1,2}\.?\s*\p{L}+|\p{L}+\.?\s+\d{1,2})(?:,?\s*\d{4})?\.?\s*(?:\([^()\n]{1,40}\)|\/[^/\n]{1,20}\/)?\s*[—–-]{1,2}\s+/u,
  // "МОСКВА, 3 мая. /ТАСС/."
  /^\s*\p{Lu}[\p{Lu} .-]{1,30},\s*\d{1,2}\s+\p{L}+\.?\s*\/[^/\n]{1,20}\/\.?\s*/u,
  // Any short lead-in followed by a parenthesised news-agency credit and a dash.
  /^[^()\n]{1,40}\((?:reuters|ap|afp|dpa|efe|ansa|bloomberg|xinhua|tass|ria|interfax|anadolu|رويترز|أ ف ب|ا ف ب|د ب ا|سانا|واس)\)\s*[—–:-]{1,2}\s*/iu,
  // Chinese agency datelines: 新华社北京5月3日电 / 中新网上海3月1日电 (记者 …)
  /^\s*[（(]?(?:新华社|中新社|中新网|人民网|央视网|澎湃新闻)[\p{sc=Han}]{0,6}\d{1,2}月\d{1,2}日(?:电|讯)[）)]?\s*(?:[（(][^）)]{0,20}[）)])?\s*/u,
];

// Every dateline form above has a dash, slash, colon, parenthesis or 电/讯 early on.
const DATELINE_HINT = /[—–\-/:(（电讯]/;

export function stripDateline(text: string): string {
  if (!DATELINE_HINT.test(text.slice(0, 90))) return text;
  for (const re of DATELINE_PATTERNS) {
    const m = re.exec(text);
    if (m && m[0].length < text.length) return text.slice(m[0].length);
  }
  return text;
}

// Chat markup and links in feed text (a hostile or careless feed's "@everyone <@&123> **x**
// [here](https://…)") say nothing about the subject, yet their tokens dilute the learned
// features and can push a plain "internet shutdown ordered" under its alert threshold: they are
// dropped before tagging. A markdown link keeps its label.
const MARKUP_HINT = /[<@*_~`]|:\/\/|\]\(/;
const MARKUP =
  /\[([^\]]*)\]\([^)\s]*\)|https?:\/\/\S+|<(?:@[!&]?|#|!)[\w^|.-]*>|@(?:everyone|here)\b|[*_~`]{2,}/g;

export function stripMarkup(text: string): string {
  if (!MARKUP_HINT.test(text)) return text;
  return text.replace(MARKUP, (_m, label: string | undefined) => (label !== undefined ? ` ${label} ` : ' '));
}
