// A term index compiled once from all rule terms: a phrase is found through its first word
// (a hash map for whole words, a character trie for stems), the rest of the phrase is checked
// in place, and Han/kana runs are scanned by substring. Cost per item is a few lookups per
// token, independent of how many terms the rules hold.

import {
  arabicForms,
  arabicPatternForm,
  hashWord,
  isArabicWord,
  normalizeText,
  tokenize,
} from './normalize.ts';
import type { Token } from './normalize.ts';

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

export interface Match {
  term: number;
  /** 0 = title, 1 = summary. */
  field: number;
  /** Token range [tokStart, tokEnd) within the field. */
  tokStart: number;
  tokEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
}

export interface FieldText {
  norm: string;
  /** The text as shown in explanations (original spelling when offsets agree). */
  view: string;
  cased: boolean;
  tokens: Token[];
  /** Clitic-stripped forms for Arabic tokens, null for others. */
  forms: (string[] | null)[];
}

export function prepareField(text: string): FieldText {
  const t = tokenize(text);
  const forms: (string[] | null)[] = new Array<string[] | null>(t.tokens.length);
  for (let i = 0; i < t.tokens.length; i++) {
    const w = t.tokens[i]!.norm;
    forms[i] = isArabicWord(w) ? arabicForms(w) : null;
  }
  return { norm: t.norm, view: t.view, cased: t.cased, tokens: t.tokens, forms };
}

const CJK_RE = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+$/u;
const DIGITS = /^\d+$/;
/** Candidate entries of one word, with their second words' hashes side by side (scanned without loading the entries). */
interface Cands {
  list: Entry[];
  /** 1 where the entry has a plain second word (`Entry.second`), else 0. */
  hasSecond: Uint8Array;
  secondHash: Int32Array;
  /**
   * The term id where the entry is one word its lookup already proves (`checkFrom` 1, one
   * pattern), else -1: such a candidate matches the token as it is, without reading the entry.
   */
  word: Int32Array;
}

const NONE: Cands = {
  list: [],
  hasSecond: new Uint8Array(0),
  secondHash: new Int32Array(0),
  word: new Int32Array(0),
};
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

function formMatches(pat: Pat, f: string): boolean {
  switch (pat.mode) {
    case 'exact':
      return f === pat.text;
    case 'prefix':
      return f.startsWith(pat.text);
    case 'infix':
      return f.includes(pat.text);
    case 'suffix':
      return f.endsWith(pat.text);
    case 'number':
      return DIGITS.test(f);
    case 'hanEnd':
      return f.endsWith(pat.text);
    case 'hanStart':
      return f.startsWith(pat.text);
    case 'hanWhole':
      return f === pat.text;
  }
}

function isHanMode(m: Mode): boolean {
  return m === 'hanEnd' || m === 'hanStart' || m === 'hanWhole';
}

function patMatches(pat: Pat, ft: FieldText, k: number): boolean {
  const tok = ft.tokens[k]!;
  if (isHanMode(pat.mode)) return tok.cjk && formMatches(pat, tok.norm);
  if (tok.cjk) return false;
  if (pat.cased !== null)
    return ft.cased ? ft.view.slice(tok.start, tok.end) === pat.cased : tok.norm === pat.text;
  const forms = ft.forms[k];
  if (!forms) return formMatches(pat, tok.norm);
  for (const f of forms) if (formMatches(pat, f)) return true;
  return false;
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
  private readonly hanFirst: Entry[] = []; // mixed Han+Latin terms starting with Han: checked on Han runs
  /** `hanFirst` by the last character of the Han piece (a run must end with it), in list order. */
  private hanByLast = new Map<number, Entry[]>();
  private hanByLastStale = false;
  private readonly cjk = new Map<string, number>();
  private cjkLens: number[] = [];
  // Word → candidate entries, an open-addressing table keyed by the tokenizer's hash.
  private memoKeys: (string | undefined)[] = new Array<string | undefined>(MEMO_SIZE).fill(undefined);
  private readonly memoHashes = new Int32Array(MEMO_SIZE);
  private readonly memoVals: Cands[] = new Array<Cands>(MEMO_SIZE).fill(NONE);
  private memoCount = 0;
  /** First character → the lengths of Han/kana terms starting with it, in `cjkLens` order. */
  private cjkFirst = new Map<number, number[]>();
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
    const second = p1 && p1.mode === 'exact' && p1.cased === null ? p1.text : null;
    const entry: Entry = { id, pats, checkFrom: proven ? 1 : 0, second };
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
    } else if (isHanMode(first.mode)) {
      this.hanFirst.push(entry);
      this.hanByLastStale = true;
    } else this.scanned.push(entry);
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
        this.matchCjk(tok, ft.view, i, field, out);
        // Only the entries whose Han piece ends with the run's last character can match.
        const han = this.hanTable().get(tok.norm.charCodeAt(tok.norm.length - 1));
        if (han) for (const e of han) this.tryEntry(e, 0, ft, i, field, out);
        continue;
      }
      const fs = forms[i];
      if (fs) for (const f of fs) this.lookup(f, hashWord(f), ft, i, field, out);
      else this.lookup(tok.norm, tok.hash, ft, i, field, out);
      for (const e of this.scanned) {
        if (tok.norm.length >= e.pats[0]!.text.length) this.tryEntry(e, 0, ft, i, field, out);
      }
    }
  }

  private lookup(f: string, h: number, ft: FieldText, i: number, field: number, out: Match[]): void {
    const { list, hasSecond, secondHash, word } = this.memoGet(f, h);
    if (list.length === 0) return;
    // Candidates come from the exact map under `f` or from stems that are prefixes of `f`.
    // The next token's word (or its Arabic forms) rules out most phrases before any call.
    const nextTok = i + 1 < ft.tokens.length ? ft.tokens[i + 1]! : null;
    const nextForms = nextTok === null ? null : ft.forms[i + 1]!;
    const nextHash = nextTok === null ? 0 : nextTok.hash;
    for (let j = 0; j < list.length; j++) {
      const id = word[j]!;
      if (id >= 0) {
        this.pushWord(id, ft, i, field, out);
        continue;
      }
      if (hasSecond[j] === 1) {
        if (nextTok === null) continue;
        if (nextForms) {
          if (!nextForms.includes(list[j]!.second!)) continue;
        } else if (secondHash[j] !== nextHash || list[j]!.second !== nextTok.norm) continue;
      }
      const e = list[j]!;
      this.tryEntry(e, e.checkFrom, ft, i, field, out);
    }
  }

  private clearMemo(): void {
    if (this.memoCount === 0) return;
    this.memoKeys = new Array<string | undefined>(MEMO_SIZE).fill(undefined);
    this.memoCount = 0;
  }

  private memoGet(f: string, h: number): Cands {
    const keys = this.memoKeys;
    let slot = h & MEMO_MASK;
    for (;;) {
      const k = keys[slot];
      if (k === undefined) break;
      if (this.memoHashes[slot] === h && k === f) return this.memoVals[slot]!;
      slot = (slot + 1) & MEMO_MASK;
    }
    const cands = this.candidates(f);
    // Word frequencies are Zipfian: a bounded memo of word → candidate entries saves the
    // trie walk for nearly every token after the first few hundred items.
    if (this.memoCount >= MEMO_LIMIT) {
      this.clearMemo();
      slot = h & MEMO_MASK;
    }
    this.memoKeys[slot] = f;
    this.memoHashes[slot] = h;
    this.memoVals[slot] = cands;
    this.memoCount++;
    return cands;
  }

  /** Entries whose first word can match `f`: exact words, then stems that are prefixes of it. */
  private candidates(f: string): Cands {
    const ex = this.exact.get(f);
    let found: Entry[] | null = ex ? [...ex] : null;
    let node: TrieNode | undefined = this.stems;
    for (let k = 0; k < f.length && node; k++) {
      node = node.next.get(f.charCodeAt(k));
      if (node?.entries) (found ??= []).push(...node.entries);
    }
    if (!found) return NONE;
    return {
      list: found,
      hasSecond: Uint8Array.from(found, (e) => (e.second === null ? 0 : 1)),
      // Hashed once per word in the memo: most candidates are then ruled out by comparing numbers.
      secondHash: Int32Array.from(found, (e) => (e.second === null ? 0 : hashWord(e.second))),
      word: Int32Array.from(found, (e) => (e.checkFrom === 1 && e.pats.length === 1 ? e.id : -1)),
    };
  }

  /** A one-word term found by its lookup: the match is the token (what tryEntry would push). */
  private pushWord(id: number, ft: FieldText, i: number, field: number, out: Match[]): void {
    if (matchedAt(out, field, i, id)) return;
    const tok = ft.tokens[i]!;
    out.push({
      term: id,
      field,
      tokStart: i,
      tokEnd: i + 1,
      charStart: tok.start,
      charEnd: tok.end,
      text: ft.view.slice(tok.start, tok.end),
    });
  }

  private tryEntry(e: Entry, from: number, ft: FieldText, i: number, field: number, out: Match[]): void {
    const { tokens } = ft;
    const pats = e.pats;
    if (i + pats.length > tokens.length) return;
    for (let k = from; k < pats.length; k++) {
      if (!patMatches(pats[k]!, ft, i + k)) return;
    }
    if (matchedAt(out, field, i, e.id)) return;
    // A Han piece covers only its own characters of the run, not the whole run.
    const p0 = pats[0]!;
    const pz = pats[pats.length - 1]!;
    const start = p0.mode === 'hanEnd' ? tokens[i]!.end - p0.text.length : tokens[i]!.start;
    const endTok = tokens[i + pats.length - 1]!;
    const end = pz.mode === 'hanStart' ? endTok.start + pz.text.length : endTok.end;
    out.push({
      term: e.id,
      field,
      tokStart: i,
      tokEnd: i + pats.length,
      charStart: start,
      charEnd: end,
      text: ft.view.slice(start, end),
    });
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

  /** Rebuilds the first-character table after terms were added (once, on first use). */
  private cjkTable(): Map<number, number[]> {
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
    this.cjkFirst = table;
    this.cjkFirstStale = false;
    return table;
  }

  private matchCjk(tok: Token, view: string, i: number, field: number, out: Match[]): void {
    const s = tok.norm;
    const table = this.cjkTable();
    for (let p = 0; p < s.length; p++) {
      // Only the lengths of terms that begin with this character are tried.
      const lens = table.get(s.charCodeAt(p));
      if (lens === undefined) continue;
      for (const L of lens) {
        if (p + L > s.length) continue;
        const id = this.cjk.get(s.slice(p, p + L));
        if (id === undefined) continue;
        const a = tok.start + p;
        out.push({
          term: id,
          field,
          tokStart: i,
          tokEnd: i + 1,
          charStart: a,
          charEnd: a + L,
          text: view.slice(a, a + L),
        });
      }
    }
  }
}
