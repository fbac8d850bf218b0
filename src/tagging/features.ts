// Features of the learned layer: hashed words, word pairs, word beginnings (inflection),
// character 4-grams inside words, Han character pairs and triples (Chinese has no spaces),
// Arabic words without their clitics, and the rule layer's per-theme scores. Built from the
// tokens the rule matcher already made, so the text is normalized and split once.

import type { FieldText } from './matcher.ts';

/** Bump when what a feature means changes: the shipped model must then be retrained. */
export const FEATURE_VERSION = 2;

export const HASH_BITS = 16;
export const HASH_SIZE = 1 << HASH_BITS;
const HASH_MASK = HASH_SIZE - 1;

// Feature kinds, mixed into the hash (and kept to name a feature in explanations).
export const K_WORD = 1;
export const K_PAIR = 2;
export const K_PREFIX = 3;
export const K_TITLE = 4;
export const K_HAN2 = 5;
export const K_HAN3 = 6;
export const K_AR = 7;
export const K_CHAR4 = 8;

const PREFIX_LEN = 5;

/** Dense rule features per theme: the score (capped) and whether the rules alone tag it. */
export const RULE_FEATURES_PER_THEME = 2;
const RULE_CAP = 2;

/**
 * Dense features from the regions an item names (by name, institution or capital, in any
 * context): rivalry between states is a subject that words alone carry poorly ("Paris accuses
 * Baku", "India bans 119 Chinese apps"), and how many states an item names, and which, says
 * much about it. The powers are the states whose tech rivalry the geopolitics theme is mostly
 * about.
 */
export const POWER_REGIONS = ['CN', 'RU', 'US', 'IR', 'KP', 'EU'] as const;
export const REGION_FEATURE_NAMES = [
  'regions:2+',
  'regions:3+',
  ...POWER_REGIONS.map((r) => `names:${r}`),
  'power+other',
] as const;
export const REGION_FEATURES = REGION_FEATURE_NAMES.length;

/** What the item names, for the region features: distinct regions and which powers. */
export interface NamedRegions {
  count: number;
  /** One flag per POWER_REGIONS entry. */
  powers: Uint8Array;
}

/** Index layout: [hashed buckets][rule features][region features][bias]. */
export function featureCount(themes: number): number {
  return HASH_SIZE + themes * RULE_FEATURES_PER_THEME + REGION_FEATURES + 1;
}

function mix(h: number, kind: number): number {
  let x = Math.imul(h ^ Math.imul(kind, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h;
}

/**
 * A reusable buffer of (index, value) pairs for one item. `src` remembers where each hashed
 * feature came from (field, token, kind, offset) so explanations can name it afterwards.
 */
export class FeatureBuf {
  idx: Int32Array<ArrayBuffer>;
  val: Float64Array<ArrayBuffer>;
  /** Per hashed feature: kind | field << 4 | token << 5 (token index), and char offset. */
  srcA: Int32Array<ArrayBuffer>;
  srcB: Int32Array<ArrayBuffer>;
  n = 0;
  hashed = 0;
  constructor(cap = 4096) {
    this.idx = new Int32Array(cap);
    this.val = new Float64Array(cap);
    this.srcA = new Int32Array(cap);
    this.srcB = new Int32Array(cap);
  }
  private grow(): void {
    const cap = this.idx.length * 2;
    const g = <T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, n: T): T => {
      n.set(a);
      return n;
    };
    this.idx = g(this.idx, new Int32Array(cap));
    this.val = g(this.val, new Float64Array(cap));
    this.srcA = g(this.srcA, new Int32Array(cap));
    this.srcB = g(this.srcB, new Int32Array(cap));
  }
  pushHashed(h: number, kind: number, field: number, token: number, off: number): void {
    if (this.n === this.idx.length) this.grow();
    this.idx[this.n] = mix(h, kind) & HASH_MASK;
    this.val[this.n] = 1;
    this.srcA[this.n] = kind | (field << 4) | (token << 5);
    this.srcB[this.n] = off;
    this.n++;
  }
  pushDense(index: number, value: number): void {
    if (this.n === this.idx.length) this.grow();
    this.idx[this.n] = index;
    this.val[this.n] = value;
    this.srcA[this.n] = 0;
    this.srcB[this.n] = 0;
    this.n++;
  }
}

/**
 * Fills `out` with the features of an item: hashed text features scaled to unit length
 * (long and short items weigh alike), then rule features, region features, then the bias.
 */
export function extractFeatures(
  fields: readonly FieldText[],
  ruleScores: Float64Array,
  ruleThreshold: number,
  named: NamedRegions,
  out: FeatureBuf,
): void {
  out.n = 0;
  for (let f = 0; f < fields.length; f++) {
    const ft = fields[f]!;
    const toks = ft.tokens;
    let prev = 0;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.cjk) {
        const s = ft.norm;
        for (let k = t.start; k + 2 <= t.end; k++) out.pushHashed(hashRange(s, k, k + 2), K_HAN2, f, i, k);
        for (let k = t.start; k + 3 <= t.end; k++) out.pushHashed(hashRange(s, k, k + 3), K_HAN3, f, i, k);
        if (t.end - t.start === 1) out.pushHashed(t.hash, K_WORD, f, i, 0);
        prev = 0;
        continue;
      }
      out.pushHashed(t.hash, K_WORD, f, i, 0);
      if (f === 0) out.pushHashed(t.hash, K_TITLE, f, i, 0);
      if (prev !== 0) out.pushHashed(Math.imul(prev, 31) ^ t.hash, K_PAIR, f, i, 0);
      prev = t.hash;
      const len = t.end - t.start;
      if (len > PREFIX_LEN + 1) {
        out.pushHashed(hashRange(ft.norm, t.start, t.start + PREFIX_LEN), K_PREFIX, f, i, 0);
        // Character 4-grams inside longer words: compounds and inflections share pieces.
        for (let k = t.start; k + 4 <= t.end; k++)
          out.pushHashed(hashRange(ft.norm, k, k + 4), K_CHAR4, f, i, k);
      }
      const forms = ft.forms[i];
      if (forms && forms.length > 1) {
        const base = forms[forms.length - 1]!;
        out.pushHashed(hashRange(base, 0, base.length), K_AR, f, i, -1);
      }
    }
  }
  out.hashed = out.n;
  if (out.n > 0) {
    const s = 1 / Math.sqrt(out.n);
    for (let k = 0; k < out.n; k++) out.val[k] = s;
  }
  const T = ruleScores.length;
  for (let t = 0; t < T; t++) {
    const sc = ruleScores[t]!;
    if (sc <= 0) continue;
    out.pushDense(HASH_SIZE + t * RULE_FEATURES_PER_THEME, Math.min(sc, RULE_CAP));
    if (sc >= ruleThreshold) out.pushDense(HASH_SIZE + t * RULE_FEATURES_PER_THEME + 1, 1);
  }
  const r0 = HASH_SIZE + T * RULE_FEATURES_PER_THEME;
  if (named.count >= 2) out.pushDense(r0, 1);
  if (named.count >= 3) out.pushDense(r0 + 1, 1);
  let powers = 0;
  for (let p = 0; p < POWER_REGIONS.length; p++) {
    if (!named.powers[p]) continue;
    out.pushDense(r0 + 2 + p, 1);
    powers++;
  }
  if (powers > 0 && named.count > powers) out.pushDense(r0 + 2 + POWER_REGIONS.length, 1);
  out.pushDense(r0 + REGION_FEATURES, 1);
}

/** A readable name for hashed feature k of `buf` (for `why`). */
export function featureName(fields: readonly FieldText[], buf: FeatureBuf, k: number): string {
  const a = buf.srcA[k]!;
  const kind = a & 15;
  const ft = fields[(a >> 4) & 1]!;
  const ti = a >> 5;
  const t = ft.tokens[ti]!;
  // A token's `norm` is its slice of the field's normalized text.
  const word = t.norm;
  switch (kind) {
    case K_PAIR:
      return `${ft.tokens[ti - 1]!.norm} ${word}`;
    case K_PREFIX:
      return `${word.slice(0, PREFIX_LEN)}…`;
    case K_CHAR4:
      return `…${ft.norm.slice(buf.srcB[k]!, buf.srcB[k]! + 4)}…`;
    case K_HAN2:
      return ft.norm.slice(buf.srcB[k]!, buf.srcB[k]! + 2);
    case K_HAN3:
      return ft.norm.slice(buf.srcB[k]!, buf.srcB[k]! + 3);
    case K_AR: {
      const forms = ft.forms[ti]!;
      return forms[forms.length - 1]!;
    }
    default:
      return word;
  }
}
