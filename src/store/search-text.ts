// Language-aware text processing shared by the archive adapters. Both the indexed text and
// the user's query pass through the same functions, so the full-text engine only ever sees
// plain space-separated tokens (letters, digits, marks) and a query we built ourselves.
//
// - Latin/Greek words: lowercased, diacritics folded, a light English plural stripper.
// - Cyrillic words: ё→е and a light Russian suffix stripper (Snowball-like steps), so
//   "цензура", "цензуры", "цензурой" all index as "цензур".
// - CJK runs (Han, kana, Hangul): no spaces between words, so each run is indexed as
//   overlapping bigrams plus its last character as a unigram. A query run becomes the
//   phrase of its bigrams (an exact substring match); a single character becomes a prefix
//   query, which matches every bigram starting with it and the trailing unigram.
import type { Snippet } from './types.ts';

const MAX_TOKEN_CHARS = 64;
/** A query is cut here before tokenizing: nobody types 10 kB on purpose. */
export const MAX_QUERY_CHARS = 1000;
/** At most this many distinct terms reach the engine. */
export const MAX_QUERY_TERMS = 16;

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TOKEN_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

// Character classes, computed once per code point: regexes with Unicode properties cost
// ~40 ns a character, a table lookup ~1 ns, and indexing is character-bound.
const SEP = 1;
const WORD = 2;
const CJK_CLASS = 3;
const bmpClass = new Uint8Array(0x10000);
const astralClass = new Map<number, number>();

function classifyCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (!TOKEN_CHAR.test(ch)) return SEP;
  return CJK_CHAR.test(ch) ? CJK_CLASS : WORD;
}

function charClass(cp: number): number {
  if (cp < 0x10000) {
    let c = bmpClass[cp]!;
    if (c === 0) bmpClass[cp] = c = classifyCodePoint(cp);
    return c;
  }
  let c = astralClass.get(cp);
  if (c === undefined) astralClass.set(cp, (c = classifyCodePoint(cp)));
  return c;
}
const ASCII_WORD = /^[A-Za-z0-9]+$/;
const PLAIN_CYRILLIC_WORD = /^[\u0400-\u045F0-9]+$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const FOLDABLE_MARKS = /(\p{Script=Latin}|\p{Script=Greek})\p{Mn}+/gu;

const STOP_WORDS = new Set(
  (
    'a an and are as at be been by for from has have had in is it its of on or that the to was were will with ' +
    'this these those not no but which who whom what when where how than then there their they them he she ' +
    'his her we our you your i me my do does did can could would should may might also into over under about ' +
    'after before more most such only other any all some s t ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было ' +
    'вот от меня еще ещё нет о об из ему когда даже ли если уже или ни быть был него до вас там потом себя ' +
    'ей может они тут где есть надо ней для мы их чем была сам без чего тоже себе под будет тогда кто этот ' +
    'того этого какой здесь этом при это эти этой эту'
  ).split(' '),
);

export interface TextSpan {
  start: number;
  end: number;
  kind: 'word' | 'cjk';
  /** Normalized form: a stemmed word, or the folded CJK run. */
  norm: string;
}

function safeString(input: string): string {
  // Lone surrogates and NUL would otherwise reach the engine or break normalization.
  return input.replace(LONE_SURROGATE, '\uFFFD').replace(/\0/g, ' ');
}

function foldWord(word: string): string {
  // Fast paths for the common scripts; the general path folds width forms and diacritics.
  if (ASCII_WORD.test(word)) return word.toLowerCase();
  if (PLAIN_CYRILLIC_WORD.test(word)) return word.toLowerCase().replace(/ё/g, 'е');
  let w = word.normalize('NFKC').toLowerCase();
  if (CYRILLIC.test(w)) return w.replace(/ё/g, 'е');
  w = w.normalize('NFKD').replace(FOLDABLE_MARKS, '$1').normalize('NFC');
  return w;
}

// Words repeat a lot (Zipf), and folding + stemming is the costly part of indexing.
const WORD_CACHE_MAX = 100_000;
const wordCache = new Map<string, string>();

function normalizeWord(raw: string): string {
  const hit = wordCache.get(raw);
  if (hit !== undefined) return hit;
  const folded = foldWord(raw);
  const norm = folded ? stemWord(folded) : '';
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(raw, norm);
  return norm;
}

/** Split text into word and CJK spans with their normalized forms (stop words included). */
export function textSpans(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  const s = safeString(text);
  let runStart = -1;
  let runClass = SEP;
  const flush = (end: number) => {
    if (runStart < 0) return;
    const raw = s.slice(runStart, end);
    if (runClass === CJK_CLASS) {
      spans.push({ start: runStart, end, kind: 'cjk', norm: raw.normalize('NFKC').toLowerCase() });
    } else {
      const norm = normalizeWord(raw);
      if (norm) spans.push({ start: runStart, end, kind: 'word', norm });
    }
    runStart = -1;
  };
  for (let i = 0; i < s.length;) {
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const c = charClass(cp);
    if (c !== runClass || c === SEP) {
      flush(i);
      if (c !== SEP) runStart = i;
      runClass = c;
    }
    i += width;
  }
  flush(s.length);
  return spans;
}

function isStop(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

/** Stem an already folded word (Russian for Cyrillic, a plural stripper for Latin). */
export function stemWord(folded: string): string {
  const w = folded.slice(0, MAX_TOKEN_CHARS);
  if (isStop(w)) return w;
  if (/^[a-z]+$/.test(w)) return stemEnglish(w);
  if (CYRILLIC.test(w)) return stemRussian(w);
  return w;
}

function stemEnglish(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

// Russian: a compact rendering of the Snowball steps (perfective gerund, reflexive,
// adjectival, verb, noun; then и, superlative, нн, ь) on the part after the first vowel.
const RU_VOWELS = /[аеиоуыэюя]/;
const RU_PERFECTIVE_1 = ['вшись', 'вши', 'в'];
const RU_PERFECTIVE_2 = ['ившись', 'ывшись', 'ивши', 'ывши', 'ив', 'ыв'];
const RU_REFLEXIVE = ['ся', 'сь'];
const RU_ADJECTIVE = [
  'ими',
  'ыми',
  'его',
  'ого',
  'ему',
  'ому',
  'ее',
  'ие',
  'ые',
  'ое',
  'ей',
  'ий',
  'ый',
  'ой',
  'ем',
  'им',
  'ым',
  'ом',
  'их',
  'ых',
  'ую',
  'юю',
  'ая',
  'яя',
  'ою',
  'ею',
];
const RU_PARTICIPLE_1 = ['ем', 'нн', 'вш', 'ющ', 'щ'];
const RU_PARTICIPLE_2 = ['ивш', 'ывш', 'ующ'];
const RU_VERB_1 = [
  'ете',
  'йте',
  'ешь',
  'нно',
  'ла',
  'на',
  'ли',
  'ем',
  'ло',
  'но',
  'ет',
  'ют',
  'ны',
  'ть',
  'й',
  'л',
  'н',
];
const RU_VERB_2 = [
  'ейте',
  'уйте',
  'ила',
  'ыла',
  'ена',
  'ите',
  'или',
  'ыли',
  'ило',
  'ыло',
  'ено',
  'ует',
  'уют',
  'ены',
  'ить',
  'ыть',
  'ишь',
  'ей',
  'уй',
  'ил',
  'ыл',
  'им',
  'ым',
  'ен',
  'ят',
  'ит',
  'ыт',
  'ую',
  'ю',
];
const RU_NOUN = [
  'иями',
  'ями',
  'ами',
  'ией',
  'иям',
  'ием',
  'иях',
  'ев',
  'ов',
  'ие',
  'ье',
  'еи',
  'ии',
  'ей',
  'ой',
  'ий',
  'ям',
  'ем',
  'ам',
  'ом',
  'ах',
  'ях',
  'ию',
  'ью',
  'ия',
  'ья',
  'а',
  'е',
  'и',
  'й',
  'о',
  'у',
  'ы',
  'ь',
  'ю',
  'я',
];

function byLength(list: string[]): string[] {
  return [...list].sort((a, b) => b.length - a.length);
}
const RU_LISTS = {
  perf1: byLength(RU_PERFECTIVE_1),
  perf2: byLength(RU_PERFECTIVE_2),
  refl: byLength(RU_REFLEXIVE),
  adj: byLength(RU_ADJECTIVE),
  part1: byLength(RU_PARTICIPLE_1),
  part2: byLength(RU_PARTICIPLE_2),
  verb1: byLength(RU_VERB_1),
  verb2: byLength(RU_VERB_2),
  noun: byLength(RU_NOUN),
};

/** Remove the longest suffix in `list` from `rv`; group-1 suffixes need a preceding а/я. */
function cut(rv: string, list: string[], needsAYa: boolean): string | null {
  for (const suf of list) {
    if (!rv.endsWith(suf)) continue;
    const rest = rv.slice(0, -suf.length);
    if (needsAYa) {
      if (rest.endsWith('а') || rest.endsWith('я')) return rest;
      continue;
    }
    return rest;
  }
  return null;
}

export function stemRussian(word: string): string {
  const firstVowel = word.search(RU_VOWELS);
  if (firstVowel < 0 || word.length < 4) return word;
  const head = word.slice(0, firstVowel + 1);
  let rv = word.slice(firstVowel + 1);

  const perf = cut(rv, RU_LISTS.perf1, true) ?? cut(rv, RU_LISTS.perf2, false);
  if (perf !== null) {
    rv = perf;
  } else {
    rv = cut(rv, RU_LISTS.refl, false) ?? rv;
    const adj = cut(rv, RU_LISTS.adj, false);
    if (adj !== null) {
      rv = cut(adj, RU_LISTS.part1, true) ?? cut(adj, RU_LISTS.part2, false) ?? adj;
    } else {
      const verb = cut(rv, RU_LISTS.verb1, true) ?? cut(rv, RU_LISTS.verb2, false);
      if (verb !== null) rv = verb;
      else rv = cut(rv, RU_LISTS.noun, false) ?? rv;
    }
  }
  if (rv.endsWith('и')) rv = rv.slice(0, -1);
  if (rv.endsWith('ейше')) rv = rv.slice(0, -4);
  else if (rv.endsWith('ейш')) rv = rv.slice(0, -3);
  if (rv.endsWith('нн')) rv = rv.slice(0, -1);
  else if (rv.endsWith('ь')) rv = rv.slice(0, -1);
  const stem = head + rv;
  // Keep very short stems from collapsing unrelated words.
  return stem.length >= 3 ? stem : word;
}

function cjkGrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  grams.push(chars[chars.length - 1]!);
  return grams;
}

/**
 * The text to hand to the full-text index: space-separated tokens (stop words dropped, CJK
 * runs as bigrams + trailing unigram). Tokens contain only letters, digits and marks.
 */
export function indexText(text: string): string {
  const out: string[] = [];
  for (const span of textSpans(text)) {
    if (span.kind === 'cjk') {
      for (const g of cjkGrams(span.norm)) out.push(g);
    } else if (!isStop(span.norm) && !isSingleLetter(span.norm)) {
      out.push(span.norm.slice(0, MAX_TOKEN_CHARS));
    }
  }
  return out.join(' ');
}

function isSingleLetter(token: string): boolean {
  return token.length === 1 && /\p{L}/u.test(token);
}

/** One term of a parsed query. All terms must match (AND); adapters may fall back to OR. */
export type QueryTerm =
  /** A whole word token. */
  | { kind: 'word'; token: string }
  /** Consecutive CJK bigrams: match as a phrase. */
  | { kind: 'phrase'; tokens: string[] }
  /** A single CJK character: match any token starting with it. */
  | { kind: 'prefix'; token: string };

export interface ParsedQuery {
  terms: QueryTerm[];
  /** Normalized word forms and CJK strings, used to mark hits in snippets. */
  highlight: { words: Set<string>; cjk: string[] };
}

/**
 * Tokenize a user's query exactly like indexed text. Never throws; an input with no
 * searchable characters yields no terms. Stop words are dropped unless nothing else is left.
 */
export function parseQuery(input: string): ParsedQuery {
  const spans = textSpans(safeString(input).slice(0, MAX_QUERY_CHARS));
  const words = spans.filter((s) => s.kind === 'word' && !isSingleLetter(s.norm));
  const content = words.filter((s) => !isStop(s.norm));
  const keptWords = content.length > 0 || spans.some((s) => s.kind === 'cjk') ? content : words;
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const highlight = { words: new Set<string>(), cjk: [] as string[] };
  const keep = new Set(keptWords);
  for (const span of spans) {
    if (terms.length >= MAX_QUERY_TERMS) break;
    if (span.kind === 'word') {
      if (!keep.has(span)) continue;
      const token = span.norm.slice(0, MAX_TOKEN_CHARS);
      if (seen.has('w:' + token)) continue;
      seen.add('w:' + token);
      terms.push({ kind: 'word', token });
      highlight.words.add(token);
    } else {
      const run = Array.from(span.norm).slice(0, MAX_TOKEN_CHARS).join('');
      if (seen.has('c:' + run)) continue;
      seen.add('c:' + run);
      highlight.cjk.push(run);
      const chars = Array.from(run);
      if (chars.length === 1) terms.push({ kind: 'prefix', token: run });
      else terms.push({ kind: 'phrase', tokens: cjkGrams(run).slice(0, -1) });
    }
  }
  return { terms, highlight };
}

/** Mark the query's hits in `text`: returns [start, end) ranges, merged and sorted. */
export function hitRanges(text: string, q: ParsedQuery): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  if (q.terms.length === 0) return ranges;
  for (const span of textSpans(text)) {
    if (span.kind === 'word') {
      if (q.highlight.words.has(span.norm)) ranges.push([span.start, span.end]);
      continue;
    }
    // Find each query CJK string inside this run (norm keeps code-unit lengths for CJK).
    const original = text.slice(span.start, span.end);
    const sameLength = original.length === span.norm.length;
    for (const needle of q.highlight.cjk) {
      let from = 0;
      for (;;) {
        const at = span.norm.indexOf(needle, from);
        if (at < 0) break;
        if (sameLength) ranges.push([span.start + at, span.start + at + needle.length]);
        else ranges.push([span.start, span.end]);
        from = at + Math.max(1, needle.length);
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function segments(text: string, ranges: Array<[number, number]>, from: number, to: number): Snippet {
  const out: Snippet = [];
  let pos = from;
  for (const [s, e] of ranges) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    if (a > pos) out.push({ text: text.slice(pos, a), hit: false });
    out.push({ text: text.slice(a, b), hit: true });
    pos = b;
  }
  if (pos < to) out.push({ text: text.slice(pos, to), hit: false });
  return out;
}

/** Move an index off the middle of a surrogate pair. */
function clampIndex(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/**
 * A snippet of at most about `width` characters: from the summary around its first hit,
 * else the title with its hits, else the start of the summary (no hits, e.g. filters only).
 */
export function buildSnippet(title: string, summary: string, q: ParsedQuery, width = 200): Snippet {
  const sumHits = hitRanges(summary, q);
  const first = sumHits[0];
  if (first) {
    let from = Math.max(0, first[0] - Math.floor(width / 4));
    if (from > 0) {
      const space = summary.lastIndexOf(' ', first[0]);
      if (space >= from - 20 && space < first[0]) from = space + 1;
    }
    from = clampIndex(summary, from);
    const to = clampIndex(summary, Math.min(summary.length, from + width));
    const segs = segments(summary, sumHits, from, to);
    if (from > 0) segs.unshift({ text: '…', hit: false });
    if (to < summary.length) segs.push({ text: '…', hit: false });
    return segs;
  }
  const titleHits = hitRanges(title, q);
  if (titleHits.length > 0 || !summary) return segments(title, titleHits, 0, title.length);
  const to = clampIndex(summary, Math.min(summary.length, width));
  const segs = segments(summary, [], 0, to);
  if (to < summary.length) segs.push({ text: '…', hit: false });
  return segs;
}

export function hasCjk(text: string): boolean {
  return CJK_CHAR.test(text);
}
