// A term index compiled once from all rule terms: a phrase is found through its first word
// (a hash map for whole words, a character trie for stems), the rest of the phrase is checked
// in place, and Han/kana runs are scanned by substring. Cost per item is a few lookups per
// token, independent of how many terms the rules hold.

import {
  arabicForms,
  arabicPatternForm,
  hashWord,
  isArabicLetter,
  isArabicWord,
  normalizeText,
  tokenize,
} from './normalize.ts';
import type { Token, TokenPool } from './normalize.ts';

// The han* modes serve terms mixing Han with Latin or digits ("新IP", "IP地址"): the Han part
// is a piece of a Han run, ending it before the Latin word or starting it after.
type Mode = 'exact' | 'prefix' | 'infix' | 'suffix' | 'number' | 'hanEnd' | 'hanStart' | 'hanWhole';

interface Pat {
  text: string;
  mode: Mode;
  /** Original-case spelling for `=Term` (case-sensitive) words, else null. */
  cased: string | null;
}

interface Entry {
  id: number;
  /** Position in `TermIndex.entries`. */
  index: number;
  pats: Pat[];
  /**
   * Index of the first word still to check when the entry was found by looking up a token's
   * word: 1 when that lookup already proves the first word (an exact word or stem that is
   * not case-sensitive), else 0.
   */
  checkFrom: number;
  /**
   * The second word when it is a plain exact word (not case-sensitive, not Han), else null: a
   * candidate whose second word differs from the next token's cannot match, and is skipped
   * without a call (most candidates of a common first word are phrases).
   */
  second: string | null;
}

interface TrieNode {
  next: Map<number, TrieNode>;
  entries: Entry[] | null;
}

/** One occurrence of a term in a field. */
export class Match {
  constructor(
    readonly term: number,
    /** 0 = title, 1 = summary. */
    readonly field: number,
    /** Token range [tokStart, tokEnd) within the field. */
    readonly tokStart: number,
    readonly tokEnd: number,
    readonly charStart: number,
    readonly charEnd: number,
    private readonly view: string,
  ) {}

  /** The matched text as shown to people; sliced on demand, as most matches are never shown. */
  get text(): string {
    return this.view.slice(this.charStart, this.charEnd);
  }
}

export interface FieldText {
  norm: string;
  /** The text as shown in explanations (original spelling when offsets agree). */
  view: string;
  cased: boolean;
  tokens: Token[];
  /** Clitic-stripped forms for Arabic tokens, null (or past the end) for others. */
  forms: readonly (string[] | null)[];
  /** `hashWord` of each of `forms`, null (or past the end) for tokens without forms. */
  formHashes: readonly (number[] | null)[];
}

/**
 * `forms` and `formHashes` of a field without Arabic words (nearly all): read-only, shared, and
 * long enough for any field (an index past the end reads undefined, treated as null).
 */
const NO_FORMS: readonly null[] = [];

/**
 * The tokens of `text`, with the Arabic forms of its words. With a `pool`, the tokens are the
 * pool's, valid until its next use.
 */
export function prepareField(text: string, pool?: TokenPool): FieldText {
  const t = tokenize(text, pool);
  let forms: (string[] | null)[] | null = null;
  let formHashes: (number[] | null)[] | null = null;
  for (let i = 0; i < t.tokens.length; i++) {
    const tok = t.tokens[i]!;
    if (!isArabicLetter(t.norm.charCodeAt(tok.start))) continue;
    const w = tok.norm;
    forms ??= new Array<string[] | null>(t.tokens.length).fill(null);
    formHashes ??= new Array<number[] | null>(t.tokens.length).fill(null);
    const fs = arabicForms(w);
    forms[i] = fs;
    const hs: number[] = [];
    for (const f of fs) hs.push(hashWord(f));
    formHashes[i] = hs;
  }
  return {
    norm: t.norm,
    view: t.view,
    cased: t.cased,
    tokens: t.tokens,
    forms: forms ?? NO_FORMS,
    formHashes: formHashes ?? NO_FORMS,
  };
}

const CJK_RE = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+$/u;
/**
 * The word memo is an open-addressing table of SLOT ints per slot: the word's hash, and 1 + the
 * offset of the word's block in the arena (0: the slot is free). A block is the word's length,
 * its characters two to an int, the number of candidates, then the candidates: confirming a
 * hash that agrees reads the same cache lines as the candidates, and the memo holds no strings.
 */
const SLOT = 2;
/**
 * Ints per candidate in the arena: the term id when the entry is one word its lookup already
 * proves (`checkFrom` 1, one pattern: it matches the token as it is, without reading the
 * entry), else -1; how the entry's second word can be ruled out from the next token alone
 * (SECOND_*); what that test needs (`secondKey`); the entry's index; the hash of its third
 * word (SECOND_EXACT_THIRD). Most candidates are ruled out by comparing numbers: "the =FA
 * said" or "data protect*" is not tried after every "the" or "data", nor "data protection
 * authority" after every "data protection".
 */
const CAND = 5;
/** No second word, or one these tests do not cover: the entry is tried. */
const SECOND_NONE = 0;
/** A plain exact word (`Entry.second`): its hash equals the next token's, then the text. */
const SECOND_EXACT = 1;
/** A case-sensitive word starting with an ASCII letter: as long as the next token, same first letter (lowercased). */
const SECOND_CASED = 2;
/** A stem (`protect*`): the next token is at least as long and has the same first character. */
const SECOND_PREFIX = 3;
/** Han leading the next run (`IP地址`): the next token is a Han run at least as long, same first character. */
const SECOND_HAN = 4;
/** SECOND_EXACT, and the third word is a plain exact word too: its hash equals the token's after. */
const SECOND_EXACT_THIRD = 5;

/** A plain exact word (not case-sensitive, not Han): one whose hash a token's can be compared with. */
function isPlainWord(p: Pat | undefined): p is Pat {
  return p !== undefined && p.mode === 'exact' && p.cased === null;
}

/** The SECOND_* test and its key for an entry (see CAND). */
function secondTest(e: Entry): [number, number] {
  const p = e.pats[1];
  if (!p) return [SECOND_NONE, 0];
  if (e.second !== null)
    return [isPlainWord(e.pats[2]) ? SECOND_EXACT_THIRD : SECOND_EXACT, hashWord(e.second)];
  // Lengths and first letters are compared as 16-bit values in one int.
  if (p.text.length === 0 || p.text.length > 0xffff) return [SECOND_NONE, 0];
  const key = p.text.length | (p.text.charCodeAt(0) << 16);
  // A case-sensitive word matches the token's original spelling, whose lowercase is the
  // token's text: for an ASCII first letter that keeps its length and first letter.
  if (p.mode === 'exact' && p.cased !== null && p.cased.charCodeAt(0) < 0x80) return [SECOND_CASED, key];
  if (p.mode === 'prefix' && p.cased === null) return [SECOND_PREFIX, key];
  // A Han piece after a word leads the next run (hanStart) or is all of it (hanWhole).
  if (p.mode === 'hanStart' || p.mode === 'hanWhole') return [SECOND_HAN, key];
  return [SECOND_NONE, 0];
}
const MEMO_LIMIT = 16_000;
const MEMO_SIZE = 1 << 15; // a power of two over twice MEMO_LIMIT keeps probe runs short
const MEMO_MASK = MEMO_SIZE - 1;

function parsePiece(piece: string): Pat[] {
  if (piece === '#') return [{ text: '', mode: 'number', cased: null }];
  let p = piece;
  let cased = false;
  if (p.startsWith('=')) {
    cased = true;
    p = p.slice(1);
  }
  const lead = p.startsWith('*');
  const trail = p.endsWith('*') && p.length > 1;
  p = p.replace(/^\*/, '').replace(/\*$/, '');
  const t = tokenize(p);
  return t.tokens.map((tok, i) => {
    const last = i === t.tokens.length - 1;
    if (tok.cjk) {
      const mode: Mode = i === 0 ? 'hanEnd' : last ? 'hanStart' : 'hanWhole';
      return { text: tok.norm, mode, cased: null };
    }
    let mode: Mode = 'exact';
    if (lead && trail) mode = 'infix';
    else if (lead) mode = 'suffix';
    else if (trail && last) mode = 'prefix';
    const text = isArabicWord(tok.norm) ? arabicPatternForm(tok.norm) : tok.norm;
    return { text, mode, cased: cased ? t.view.slice(tok.start, tok.end) : null };
  });
}

// Pattern modes as numbers, for the flat pattern arrays of TermIndex (see `patMode`).
const M_EXACT = 0;
const M_PREFIX = 1;
const M_INFIX = 2;
const M_SUFFIX = 3;
const M_NUMBER = 4;
const M_HAN_END = 5;
const M_HAN_START = 6;
const M_HAN_WHOLE = 7;
const MODE_CODES: Record<Mode, number> = {
  exact: M_EXACT,
  prefix: M_PREFIX,
  infix: M_INFIX,
  suffix: M_SUFFIX,
  number: M_NUMBER,
  hanEnd: M_HAN_END,
  hanStart: M_HAN_START,
  hanWhole: M_HAN_WHOLE,
};

/**
 * Whether the word s[a, b) satisfies a pattern of mode `mode` and text `t`, read in place: a
 * token's text is never sliced to be matched.
 */
function tokenMatches(mode: number, t: string, s: string, a: number, b: number): boolean {
  const len = b - a;
  switch (mode) {
    case M_EXACT:
    case M_HAN_WHOLE:
      return len === t.length && s.startsWith(t, a);
    case M_PREFIX:
    case M_HAN_START:
      return len >= t.length && s.startsWith(t, a);
    case M_SUFFIX:
    case M_HAN_END:
      return len >= t.length && s.startsWith(t, b - t.length);
    case M_INFIX: {
      const c0 = t.charCodeAt(0);
      for (let k = a, last = b - t.length; k <= last; k++)
        if (s.charCodeAt(k) === c0 && s.startsWith(t, k)) return true;
      return false;
    }
    default: // M_NUMBER
      for (let k = a; k < b; k++) {
        const c = s.charCodeAt(k);
        if (c < 48 || c > 57) return false;
      }
      return len > 0;
  }
}

/** Whether mode code `m` is one of the Han modes (numbered last for this test). */
function isHanCode(m: number): boolean {
  return m >= M_HAN_END;
}

/**
 * Whether term `id` already matched at token `i` of `field` (the same entry can be reached
 * through several Arabic forms of one word); the matches of one token are the last in `out`.
 */
function matchedAt(out: readonly Match[], field: number, i: number, id: number): boolean {
  for (let k = out.length - 1; k >= 0; k--) {
    const m = out[k]!;
    if (m.field !== field || m.tokStart !== i) return false;
    if (m.term === id) return true;
  }
  return false;
}

export class TermIndex {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  private readonly exact = new Map<string, Entry[]>();
  private readonly stems: TrieNode = { next: new Map(), entries: null };
  private readonly scanned: Entry[] = []; // infix/suffix/number first words: checked on every token
  /** The length of each `scanned` entry's first word: shorter tokens cannot hold it. */
  private readonly scannedLen: number[] = [];
  /**
   * The last character of each `scanned` suffix word (a token, and each of its Arabic forms,
   * must end with it), else -1.
   */
  private readonly scannedLast: number[] = [];
  private readonly hanFirst: Entry[] = []; // mixed Han+Latin terms starting with Han: checked on Han runs
  /** `hanFirst` by the last character of the Han piece (a run must end with it), in list order. */
  private hanByLast = new Map<number, Entry[]>();
  private hanByLastStale = false;
  private readonly cjk = new Map<string, number>();
  private cjkLens: number[] = [];
  /**
   * Han/kana terms in an open-addressing table keyed by `hashWord` of their text (ids + 1, 0
   * empty), so a piece of a run is looked up by a hash computed in place, without slicing it.
   */
  private cjkSlots = new Int32Array(0);
  private cjkHashes = new Int32Array(0);
  private cjkTexts: string[] = [];
  /** Scratch: `hashWord` of the run's first 1…L characters from the position being scanned. */
  private cjkPrefix = new Int32Array(0);
  /**
   * Every phrase entry's patterns, flat and by `Entry.index`, so matching reads no entry or
   * pattern object: entry x's are [entryAt[x], entryAt[x] + entryLen[x]), each a mode (M_*),
   * a text and the case-sensitive spelling or null; entryFrom[x] is its `checkFrom`.
   */
  private readonly entryAt: number[] = [];
  private readonly entryLen: number[] = [];
  private readonly entryIds: number[] = [];
  private readonly entryFrom: number[] = [];
  private readonly patMode: number[] = [];
  private readonly patText: string[] = [];
  private readonly patCased: (string | null)[] = [];
  // Word → candidate entries (see SLOT and CAND), keyed by the tokenizer's hash.
  private readonly memo = new Int32Array(MEMO_SIZE * SLOT);
  /** The arena of word blocks (see SLOT). */
  private cand = new Int32Array(1 << 16);
  private candLen = 0;
  private memoCount = 0;
  /** First character → the lengths of Han/kana terms starting with it, in `cjkLens` order. */
  private cjkFirst = new Int32Array(0);
  /** `cjkFirst` lists: at each, the number of lengths, the longest, then the lengths. */
  private cjkFirstLens = new Int32Array(0);
  private cjkFirstStale = false;

  /**
   * Registers a term (deduplicated by its normalized spelling) and returns its id. A term with a
   * case-sensitive word keeps its case in the key: "=Fico" (the prime minister) and "=FICO" (the
   * credit score, a veto) are two terms, not the first of them twice.
   */
  add(term: string): number {
    const cased = /(^|\s)=/.test(term.trim());
    const key = cased
      ? `=${term.trim().replace(/\s+/g, ' ')}`
      : normalizeText(term.trim()).replace(/\s+/g, ' ');
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.terms.length;
    this.clearMemo();
    this.terms.push(term);
    this.ids.set(key, id);
    const t = term.trim();
    if (CJK_RE.test(t)) {
      const norm = normalizeText(t);
      this.cjk.set(norm, id);
      if (!this.cjkLens.includes(norm.length)) this.cjkLens.push(norm.length);
      this.cjkFirstStale = true;
      return id;
    }
    const pats = t.split(/\s+/).flatMap(parsePiece);
    const first = pats[0];
    if (!first) return id;
    const proven = (first.mode === 'exact' || first.mode === 'prefix') && first.cased === null;
    const p1 = pats[1];
    const second = isPlainWord(p1) ? p1.text : null;
    const entry: Entry = { id, index: this.entryAt.length, pats, checkFrom: proven ? 1 : 0, second };
    this.entryAt.push(this.patMode.length);
    this.entryLen.push(pats.length);
    this.entryIds.push(id);
    this.entryFrom.push(entry.checkFrom);
    for (const p of pats) {
      this.patMode.push(MODE_CODES[p.mode]);
      this.patText.push(p.text);
      this.patCased.push(p.cased);
    }
    if (first.mode === 'exact') {
      const list = this.exact.get(first.text);
      if (list) list.push(entry);
      else this.exact.set(first.text, [entry]);
    } else if (first.mode === 'prefix') {
      let node = this.stems;
      for (let i = 0; i < first.text.length; i++) {
        const c = first.text.charCodeAt(i);
        let nx = node.next.get(c);
        if (!nx) {
          nx = { next: new Map(), entries: null };
          node.next.set(c, nx);
        }
        node = nx;
      }
      (node.entries ??= []).push(entry);
    } else if (isHanCode(MODE_CODES[first.mode])) {
      this.hanFirst.push(entry);
      this.hanByLastStale = true;
    } else {
      this.scanned.push(entry);
      this.scannedLen.push(first.text.length);
      this.scannedLast.push(first.mode === 'suffix' ? first.text.charCodeAt(first.text.length - 1) : -1);
    }
    return id;
  }

  /** Appends every occurrence of every term in one field to `out`. */
  match(ft: FieldText, field: number, out: Match[]): void {
    this.matchRange(ft, field, 0, ft.tokens.length, out);
  }

  /** Like `match`, for phrases starting at tokens [from, to) only. */
  matchRange(ft: FieldText, field: number, from: number, to: number, out: Match[]): void {
    const { tokens, forms } = ft;
    const n = Math.min(to, tokens.length);
    for (let i = Math.max(0, from); i < n; i++) {
      const tok = tokens[i]!;
      if (tok.cjk) {
        this.matchCjk(tok, ft.norm, ft.view, i, field, out);
        // Only the entries whose Han piece ends with the run's last character can match.
        const han = this.hanTable().get(ft.norm.charCodeAt(tok.end - 1));
        if (han) for (const e of han) this.tryEntry(e.index, 0, ft, i, field, out);
        continue;
      }
      const fs = forms[i];
      if (fs) {
        const hs = ft.formHashes[i]!;
        for (let k = 0; k < fs.length; k++) {
          const f = fs[k]!;
          this.lookup(f, 0, f.length, hs[k]!, ft, i, field, out);
        }
      } else this.lookup(ft.norm, tok.start, tok.end - tok.start, tok.hash, ft, i, field, out);
      const scanned = this.scanned;
      for (let k = 0; k < scanned.length; k++) {
        if (tok.end - tok.start < this.scannedLen[k]!) continue;
        const last = this.scannedLast[k]!;
        if (last >= 0 && ft.norm.charCodeAt(tok.end - 1) !== last) continue;
        this.tryEntry(scanned[k]!.index, 0, ft, i, field, out);
      }
    }
  }

  /** Tries the terms whose first word can be s[from, from + len) (hash `h`), at token `i`. */
  private lookup(
    s: string,
    from: number,
    len: number,
    h: number,
    ft: FieldText,
    i: number,
    field: number,
    out: Match[],
  ): void {
    const start = this.memoFind(s, from, len, h);
    const cand = this.cand; // read after memoFind, which may grow it
    const count = cand[start]!;
    if (count === 0) return;
    // Candidates come from the exact map under the word or from stems that are its prefixes.
    // The next token's word (or its Arabic forms) rules out most phrases before any call.
    const nextTok = i + 1 < ft.tokens.length ? ft.tokens[i + 1]! : null;
    const nextForms = nextTok === null ? null : ft.formHashes[i + 1]!;
    const nextHash = nextTok === null ? 0 : nextTok.hash;
    const entryFrom = this.entryFrom;
    for (let c = start + 1, end = c + count * CAND; c < end; c += CAND) {
      const id = cand[c]!;
      if (id >= 0) {
        this.pushWord(id, ft, i, field, out);
        continue;
      }
      const test = cand[c + 1]!;
      if (test !== SECOND_NONE) {
        if (nextTok === null) continue;
        if (test === SECOND_EXACT || test === SECOND_EXACT_THIRD) {
          // A hash that agrees is confirmed by tryEntry, which compares the word itself.
          if (nextForms) {
            if (!nextForms.includes(cand[c + 2]!)) continue;
          } else if (cand[c + 2] !== nextHash) continue;
          if (test === SECOND_EXACT_THIRD && !this.hashAt(ft, i + 2, cand[c + 4]!)) continue;
        } else if (test === SECOND_HAN) {
          if (!nextTok.cjk) continue;
          const key = cand[c + 2]!;
          if (nextTok.end - nextTok.start < (key & 0xffff)) continue;
          if (ft.norm.charCodeAt(nextTok.start) !== key >>> 16) continue;
        } else if (test === SECOND_CASED || !nextForms) {
          // A stem's Arabic forms are left to tryEntry.
          if (nextTok.cjk) continue;
          const key = cand[c + 2]!;
          const len = nextTok.end - nextTok.start;
          if (test === SECOND_CASED ? len !== (key & 0xffff) : len < (key & 0xffff)) continue;
          if (ft.norm.charCodeAt(nextTok.start) !== key >>> 16) continue;
        }
      }
      const x = cand[c + 3]!;
      this.tryEntry(x, entryFrom[x]!, ft, i, field, out);
    }
  }

  /** Whether token `k` of the field (or one of its Arabic forms) has hash `h`. */
  private hashAt(ft: FieldText, k: number, h: number): boolean {
    if (k >= ft.tokens.length) return false;
    const fs = ft.formHashes[k];
    return fs ? fs.includes(h) : ft.tokens[k]!.hash === h;
  }

  private clearMemo(): void {
    if (this.memoCount === 0) return;
    this.memo.fill(0);
    this.candLen = 0;
    this.memoCount = 0;
  }

  /**
   * Where the count and candidates of the word s[from, from + len) (hash `h`) are in `cand`;
   * found on first sight.
   */
  private memoFind(s: string, from: number, len: number, h: number): number {
    const memo = this.memo;
    let slot = h & MEMO_MASK;
    for (;;) {
      const at = slot * SLOT;
      const ref = memo[at + 1]!;
      if (ref === 0) break;
      if (memo[at] === h && this.spells(ref - 1, s, from, len)) return ref + ((len + 1) >> 1);
      slot = (slot + 1) & MEMO_MASK;
    }
    // Word frequencies are Zipfian: a bounded memo of word → candidate entries saves the
    // trie walk for nearly every token after the first few hundred items.
    if (this.memoCount >= MEMO_LIMIT) {
      this.clearMemo();
      slot = h & MEMO_MASK;
    }
    const block = this.addBlock(s.slice(from, from + len));
    memo[slot * SLOT] = h;
    memo[slot * SLOT + 1] = block + 1;
    this.memoCount++;
    return block + 1 + ((len + 1) >> 1);
  }

  /** Whether the block at `b` is the word s[from, from + len)'s. */
  private spells(b: number, s: string, from: number, len: number): boolean {
    const cand = this.cand;
    if (cand[b] !== len) return false;
    for (let k = 0, w = b + 1; k < len; k += 2, w++) {
      const x = cand[w]!;
      if ((x & 0xffff) !== s.charCodeAt(from + k)) return false;
      if (k + 1 < len && x >>> 16 !== s.charCodeAt(from + k + 1)) return false;
    }
    return true;
  }

  /**
   * Appends word `f`'s block: its spelling, then the entries whose first word can match it
   * (exact words, then stems that are prefixes of it). Returns where the block starts.
   */
  private addBlock(f: string): number {
    const b = this.candLen;
    const chars = (f.length + 1) >> 1;
    const at = b + 1 + chars; // where the count goes
    const ex = this.exact.get(f);
    let count = 0;
    if (ex) count += ex.length;
    let node: TrieNode | undefined = this.stems;
    for (let k = 0; k < f.length && node; k++) {
      node = node.next.get(f.charCodeAt(k));
      if (node?.entries) count += node.entries.length;
    }
    this.reserve(at + 1 + count * CAND);
    const cand = this.cand;
    cand[b] = f.length;
    for (let k = 0; k < chars; k++) {
      const lo = f.charCodeAt(2 * k);
      cand[b + 1 + k] = 2 * k + 1 < f.length ? lo | (f.charCodeAt(2 * k + 1) << 16) : lo;
    }
    cand[at] = count;
    let c = at + 1;
    if (ex) for (const e of ex) c = this.putCandidate(e, c);
    node = this.stems;
    for (let k = 0; k < f.length && node; k++) {
      node = node.next.get(f.charCodeAt(k));
      if (node?.entries) for (const e of node.entries) c = this.putCandidate(e, c);
    }
    this.candLen = c;
    return b;
  }

  /** Grows the arena to hold `n` ints. */
  private reserve(n: number): void {
    if (n <= this.cand.length) return;
    let size = this.cand.length * 2;
    while (size < n) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.cand.subarray(0, this.candLen));
    this.cand = grown;
  }

  private putCandidate(e: Entry, c: number): number {
    const cand = this.cand;
    cand[c] = e.checkFrom === 1 && e.pats.length === 1 ? e.id : -1;
    const [test, key] = secondTest(e);
    cand[c + 1] = test;
    cand[c + 2] = key;
    cand[c + 3] = e.index;
    cand[c + 4] = test === SECOND_EXACT_THIRD ? hashWord(e.pats[2]!.text) : 0;
    return c + CAND;
  }

  /** A one-word term found by its lookup: the match is the token (what tryEntry would push). */
  private pushWord(id: number, ft: FieldText, i: number, field: number, out: Match[]): void {
    if (matchedAt(out, field, i, id)) return;
    const tok = ft.tokens[i]!;
    out.push(new Match(id, field, i, i + 1, tok.start, tok.end, ft.view));
  }

  /** Matches entry `x` at token `i`, its patterns checked from the `from`th on. */
  private tryEntry(x: number, from: number, ft: FieldText, i: number, field: number, out: Match[]): void {
    const { tokens } = ft;
    const n = this.entryLen[x]!;
    if (i + n > tokens.length) return;
    const at = this.entryAt[x]!;
    for (let k = from; k < n; k++) {
      if (!this.patMatches(at + k, ft, i + k)) return;
    }
    const id = this.entryIds[x]!;
    if (matchedAt(out, field, i, id)) return;
    // A Han piece covers only its own characters of the run, not the whole run.
    const z = at + n - 1;
    const start =
      this.patMode[at] === M_HAN_END ? tokens[i]!.end - this.patText[at]!.length : tokens[i]!.start;
    const endTok = tokens[i + n - 1]!;
    const end = this.patMode[z] === M_HAN_START ? endTok.start + this.patText[z]!.length : endTok.end;
    out.push(new Match(id, field, i, i + n, start, end, ft.view));
  }

  /** Whether pattern `p` (see `patMode`) matches token `k` of the field. */
  private patMatches(p: number, ft: FieldText, k: number): boolean {
    const tok = ft.tokens[k]!;
    const mode = this.patMode[p]!;
    const text = this.patText[p]!;
    if (isHanCode(mode)) return tok.cjk && tokenMatches(mode, text, ft.norm, tok.start, tok.end);
    if (tok.cjk) return false;
    const cased = this.patCased[p] ?? null;
    if (cased !== null) {
      const len = tok.end - tok.start;
      return ft.cased
        ? len === cased.length && ft.view.startsWith(cased, tok.start)
        : len === text.length && ft.norm.startsWith(text, tok.start);
    }
    const forms = ft.forms[k];
    if (!forms) return tokenMatches(mode, text, ft.norm, tok.start, tok.end);
    for (const f of forms) if (tokenMatches(mode, text, f, 0, f.length)) return true;
    return false;
  }

  /** Rebuilds `hanByLast` after terms were added (once, on first use). */
  private hanTable(): Map<number, Entry[]> {
    if (!this.hanByLastStale) return this.hanByLast;
    const table = new Map<number, Entry[]>();
    for (const e of this.hanFirst) {
      // A piece that leads a term always ends its Han run (mode hanEnd).
      const text = e.pats[0]!.text;
      const c = text.charCodeAt(text.length - 1);
      const list = table.get(c);
      if (list) list.push(e);
      else table.set(c, [e]);
    }
    this.hanByLast = table;
    this.hanByLastStale = false;
    return table;
  }

  /**
   * Rebuilds the first-character and hash tables after terms were added (once, on first use).
   * `cjkFirst` maps a character to 1 + where its list of term lengths starts in `cjkFirstLens`
   * (0: no term starts with it), an array read rather than a hash lookup per character.
   */
  private cjkTable(): Int32Array {
    if (!this.cjkFirstStale) return this.cjkFirst;
    const table = new Map<number, number[]>();
    for (const L of this.cjkLens) {
      for (const term of this.cjk.keys()) {
        if (term.length !== L) continue;
        const c = term.charCodeAt(0);
        const lens = table.get(c);
        if (!lens) table.set(c, [L]);
        else if (!lens.includes(L)) lens.push(L);
      }
    }
    const first = new Int32Array(0x10000);
    const lensAt: number[] = [];
    for (const [c, lens] of table) {
      first[c] = lensAt.length + 1;
      lensAt.push(lens.length, Math.max(...lens), ...lens);
    }
    this.cjkFirstLens = Int32Array.from(lensAt);
    let size = 16;
    while (size < this.cjk.size * 2) size *= 2;
    const slots = new Int32Array(size);
    const hashes = new Int32Array(size);
    const texts = new Array<string>(size).fill('');
    for (const [term, id] of this.cjk) {
      const h = hashWord(term);
      let slot = h & (size - 1);
      while (slots[slot] !== 0) slot = (slot + 1) & (size - 1);
      slots[slot] = id + 1;
      hashes[slot] = h;
      texts[slot] = term;
    }
    this.cjkSlots = slots;
    this.cjkTexts = texts;
    this.cjkHashes = hashes;
    this.cjkPrefix = new Int32Array(Math.max(0, ...this.cjkLens) + 1);
    this.cjkFirst = first;
    this.cjkFirstStale = false;
    return first;
  }

  /** The id of the Han/kana term spelled by s[p, p + L), whose `hashWord` is h; -1 if none. */
  private cjkAt(s: string, p: number, L: number, h: number): number {
    const slots = this.cjkSlots;
    const mask = slots.length - 1;
    for (let slot = h & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.cjkHashes[slot] !== h) continue;
      const term = this.cjkTexts[slot]!;
      if (term.length === L && s.startsWith(term, p)) return slots[slot]! - 1;
    }
    return -1;
  }

  private matchCjk(tok: Token, s: string, view: string, i: number, field: number, out: Match[]): void {
    const first = this.cjkTable();
    const lensAt = this.cjkFirstLens;
    const prefix = this.cjkPrefix;
    const end = tok.end;
    for (let p = tok.start; p < end; p++) {
      // Only the lengths of terms that begin with this character are tried.
      const at = first[s.charCodeAt(p)]!;
      if (at === 0) continue;
      const count = lensAt[at - 1]!;
      // Hashes of s[p, p + L) for every L up to the longest such term that fits, computed once.
      const most = Math.min(lensAt[at]!, end - p);
      let h = 0x811c9dc5;
      for (let L = 1; L <= most; L++) {
        h = Math.imul(h ^ s.charCodeAt(p + L - 1), 0x01000193);
        prefix[L] = h;
      }
      for (let q = at + 1; q < at + 1 + count; q++) {
        const L = lensAt[q]!;
        if (p + L > end) continue;
        const id = this.cjkAt(s, p, L, prefix[L]!);
        if (id >= 0) out.push(new Match(id, field, i, i + 1, p, p + L, view));
      }
    }
  }
}
