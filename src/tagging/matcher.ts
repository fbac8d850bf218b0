// A term index compiled once from all rule terms: words are looked up by their first token
// in hash maps (exact words, and stems by prefix length), the rest of a phrase is checked in
// place, and Han/kana runs are scanned by substring. Cost per item is a few map lookups per
// token, independent of how many terms the rules hold.

import { arabicForms, arabicPatternForm, isArabicWord, normalizeText, tokenize } from './normalize.ts';
import type { Token } from './normalize.ts';

type Mode = 'exact' | 'prefix' | 'infix' | 'suffix' | 'number';

interface Pat {
  text: string;
  mode: Mode;
  /** Original-case spelling for `=Term` (case-sensitive) words, else null. */
  cased: string | null;
}

interface Entry {
  id: number;
  pats: Pat[];
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
  tokens: Token[];
  /** Clitic-stripped forms for Arabic tokens, null for others. */
  forms: (string[] | null)[];
}

export function prepareField(text: string): FieldText {
  const { norm, view, tokens } = tokenize(text);
  const forms = tokens.map((t) => (isArabicWord(t.norm) ? arabicForms(t.norm) : null));
  return { norm, view, tokens, forms };
}

const CJK_RE = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+$/u;

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
  const words = tokenize(p).tokens.map((t) => (isArabicWord(t.norm) ? arabicPatternForm(t.norm) : t.norm));
  const origWords = tokenize(p).tokens.map((t) => t.orig);
  return words.map((w, i) => {
    const last = i === words.length - 1;
    let mode: Mode = 'exact';
    if (lead && trail) mode = 'infix';
    else if (lead) mode = 'suffix';
    else if (trail && last) mode = 'prefix';
    return { text: w, mode, cased: cased ? (origWords[i] ?? null) : null };
  });
}

function patMatches(pat: Pat, tok: Token, forms: string[] | null): boolean {
  if (tok.cjk) return false;
  if (pat.cased !== null) return tok.orig === pat.cased;
  const list = forms ?? [tok.norm];
  for (const f of list) {
    switch (pat.mode) {
      case 'exact':
        if (f === pat.text) return true;
        break;
      case 'prefix':
        if (f.startsWith(pat.text)) return true;
        break;
      case 'infix':
        if (f.includes(pat.text)) return true;
        break;
      case 'suffix':
        if (f.endsWith(pat.text)) return true;
        break;
      case 'number':
        if (/^\d+$/.test(f)) return true;
        break;
    }
  }
  return false;
}

export class TermIndex {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  private readonly exact = new Map<string, Entry[]>();
  private readonly prefix = new Map<number, Map<string, Entry[]>>();
  private prefixLens: number[] = [];
  private readonly scanned: Entry[] = []; // infix/suffix/number first words: checked on every token
  private readonly cjk = new Map<string, number>();
  private cjkLens: number[] = [];

  /** Registers a term (deduplicated by its normalized spelling) and returns its id. */
  add(term: string): number {
    const key = normalizeText(term.trim()).replace(/\s+/g, ' ');
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.terms.length;
    this.terms.push(term);
    this.ids.set(key, id);
    const t = term.trim();
    if (CJK_RE.test(t)) {
      const norm = normalizeText(t);
      this.cjk.set(norm, id);
      if (!this.cjkLens.includes(norm.length)) this.cjkLens.push(norm.length);
      return id;
    }
    const pats = t.split(/\s+/).flatMap(parsePiece);
    const first = pats[0];
    if (!first) return id;
    const entry: Entry = { id, pats };
    if (first.mode === 'exact') push(this.exact, first.text, entry);
    else if (first.mode === 'prefix') {
      let byLen = this.prefix.get(first.text.length);
      if (!byLen) {
        byLen = new Map();
        this.prefix.set(first.text.length, byLen);
        this.prefixLens.push(first.text.length);
      }
      push(byLen, first.text, entry);
    } else this.scanned.push(entry);
    return id;
  }

  idOf(term: string): number | undefined {
    return this.ids.get(normalizeText(term.trim()).replace(/\s+/g, ' '));
  }

  /** Appends every occurrence of every term in one field to `out`. */
  match(ft: FieldText, field: number, out: Match[]): void {
    const { tokens, forms } = ft;
    const n = tokens.length;
    const lens = this.prefixLens;
    for (let i = 0; i < n; i++) {
      const tok = tokens[i]!;
      if (tok.cjk) {
        this.matchCjk(tok, ft.view, i, field, out);
        continue;
      }
      const fs = forms[i] ?? [tok.norm];
      for (const f of fs) {
        const ex = this.exact.get(f);
        if (ex) for (const e of ex) this.tryEntry(e, ft, i, field, out);
        for (const L of lens) {
          if (f.length < L) continue;
          const hits = this.prefix.get(L)!.get(f.slice(0, L));
          if (hits) for (const e of hits) this.tryEntry(e, ft, i, field, out);
        }
      }
      for (const e of this.scanned) this.tryEntry(e, ft, i, field, out);
    }
  }

  private tryEntry(e: Entry, ft: FieldText, i: number, field: number, out: Match[]): void {
    const { tokens, forms } = ft;
    const pats = e.pats;
    if (i + pats.length > tokens.length) return;
    for (let k = 0; k < pats.length; k++) {
      if (!patMatches(pats[k]!, tokens[i + k]!, forms[i + k] ?? null)) return;
    }
    // The same entry can be reached through several Arabic forms of one word.
    const last = out[out.length - 1];
    if (last && last.term === e.id && last.field === field && last.tokStart === i) return;
    const start = tokens[i]!.start;
    const end = tokens[i + pats.length - 1]!.end;
    out.push({ term: e.id, field, tokStart: i, tokEnd: i + pats.length, charStart: start, charEnd: end, text: ft.view.slice(start, end) });
  }

  private matchCjk(tok: Token, view: string, i: number, field: number, out: Match[]): void {
    const s = tok.norm;
    for (let p = 0; p < s.length; p++) {
      for (const L of this.cjkLens) {
        if (p + L > s.length) continue;
        const id = this.cjk.get(s.slice(p, p + L));
        if (id === undefined) continue;
        out.push({ term: id, field, tokStart: i, tokEnd: i + 1, charStart: tok.start + p, charEnd: tok.start + p + L, text: view.slice(tok.start + p, tok.start + p + L) });
      }
    }
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
