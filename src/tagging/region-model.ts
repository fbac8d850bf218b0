// The learned region layer: the rules and gazetteers propose every region an item names in any
// way (a country name, a capital as a metonym or bare, a province, the domestic context of the
// item's language); a small logistic regression over how it was named decides which of them the
// item is about. A capital named bare is a venue in "meeting in Dublin" and the subject in
// "Tunis: blogger jailed"; a country name can be the subject or a passing reference. The rules
// alone keep the first kind out and the second in; the model weighs the evidence instead.
// Trained by scripts/train-tags.ts with the theme model; deterministic like it.

import type { ThemeId } from '../model.ts';
import { rng, shuffle, sigmoid } from './learned.ts';

/** How one region was named in one item: counts and positions of each kind of evidence. */
export interface RegionEvidence {
  region: number;
  /** The rules alone would tag it (the behaviour without the region model). */
  rule: boolean;
  names: number;
  namesInTitle: number;
  metonymInContext: number;
  /** A capital (or metonym city) not in a metonym context: venue, dateline or subject. */
  metonymBare: number;
  metonymBareInTitle: number;
  /** A capital as the title's first word ("Tunis: …", "Baku court …"). */
  metonymAtTitleStart: number;
  places: number;
  placesInTitle: number;
  /** Domestic cues of the item's language point to this region (count of cues). */
  domesticCues: number;
  /** Mentions of it (every kind; the feature is log1p of those beyond the first). */
  forms: number;
  /** The theme model's probability that the item is on-topic at all (its gate); 0 or 1 without a model. */
  onTopic: number;
  /** The item has no summary (a bare headline: one mention is all there is). */
  terse: boolean;
  /** Its first mention comes before every other candidate's. */
  first: boolean;
  /** Buckets of the words just before and after each mention, by kind ("bare<in", "name>said"): see contextBucket. */
  context: number[];
  /** Explanation: the texts that named it (and the domestic cues). */
  notes: string[];
  /** The rules' explanation when they tag it: the texts they counted. */
  ruleNotes: string[];
}

const CYRILLIC = /[\u0400-\u04ff]/;
const HAN = /[\u4e00-\u9fff]/;
const ARABIC = /[\u0600-\u06ff]/;

/** The item's language for the region model: the feed's two letters, else from the script. */
export function langOf(lang: string | null | undefined, text: string): string {
  if (lang) return lang.toLowerCase().slice(0, 2);
  if (CYRILLIC.test(text)) return 'ru';
  if (HAN.test(text)) return 'zh';
  return ARABIC.test(text) ? 'ar' : '';
}

/** A candidate with no evidence yet, for region index `region`. */
export function emptyEvidence(region: number): RegionEvidence {
  return {
    region,
    rule: false,
    names: 0,
    namesInTitle: 0,
    metonymInContext: 0,
    metonymBare: 0,
    metonymBareInTitle: 0,
    metonymAtTitleStart: 0,
    places: 0,
    placesInTitle: 0,
    domesticCues: 0,
    forms: 0,
    terse: false,
    onTopic: 0,
    first: false,
    context: [],
    notes: [],
    ruleNotes: [],
  };
}

export const LANGS = ['en', 'ru', 'zh', 'ar', 'es', 'fr', 'de'] as const;

/** Feature names, in order (the bias is last). */
export function regionFeatureNames(themes: readonly string[]): string[] {
  return [
    'rule',
    'names',
    'names-in-title',
    'metonym-in-context',
    'metonym-bare',
    'metonym-bare-in-title',
    'metonym-at-title-start',
    'places',
    'places-in-title',
    'domestic',
    'domestic-only',
    'domestic-only-beside-others',
    'forms',
    'first',
    'summary-only',
    'has-theme',
    'bare-and-theme',
    'place-and-theme',
    'bare-and-standards-body-theme',
    'candidates-inverse',
    'other-rule-regions',
    'is-eu',
    'terse',
    'terse-and-rule',
    'on-topic',
    'rule-and-on-topic',
    ...themes.map((t) => `theme:${t}`),
    ...LANGS.map((l) => `lang:${l}`),
    'bias',
  ];
}

/** Features before the per-theme ones (regionFeatureNames up to 'is-eu'). */
const FIXED_FEATURES = 26;

/** Themes of items that report on global bodies, where a named city is usually the venue. */
const BODY_THEMES = new Set<string>(['standards', 'internet-governance']);

/** The feature vector of one candidate (length = regionFeatureNames(themes).length). */
export function regionFeatures(
  e: RegionEvidence,
  all: readonly RegionEvidence[],
  themes: readonly ThemeId[],
  themeIds: readonly string[],
  lang: string,
  isEu: boolean,
  /** Where to write (reused by the tagger, one vector per item); a new vector by default. */
  x = new Float64Array(FIXED_FEATURES + themeIds.length + LANGS.length + 1),
): Float64Array {
  const hasTheme = themes.length > 0 ? 1 : 0;
  const bare = e.metonymBare > 0 ? 1 : 0;
  const place = e.places > 0 ? 1 : 0;
  const other = e.names + e.metonymInContext + e.metonymBare + e.places;
  const inTitle = e.namesInTitle + e.metonymBareInTitle + e.placesInTitle;
  // Loops rather than some/filter: this runs for every candidate of every item.
  let bodyTheme = 0;
  for (const t of themes) if (BODY_THEMES.has(t)) bodyTheme = 1;
  let otherRule = 0;
  for (const o of all) if (o !== e && o.rule) otherRule++;
  let k = 0;
  x[k++] = e.rule ? 1 : 0;
  x[k++] = Math.log1p(e.names);
  x[k++] = e.namesInTitle > 0 ? 1 : 0;
  x[k++] = Math.log1p(e.metonymInContext);
  x[k++] = bare;
  x[k++] = e.metonymBareInTitle > 0 ? 1 : 0;
  x[k++] = e.metonymAtTitleStart > 0 ? 1 : 0;
  x[k++] = Math.log1p(e.places);
  x[k++] = e.placesInTitle > 0 ? 1 : 0;
  x[k++] = e.domesticCues > 0 ? 1 : 0;
  x[k++] = e.domesticCues > 0 && other === 0 ? 1 : 0;
  x[k++] = e.domesticCues > 0 && other === 0 && all.length > 1 ? 1 : 0;
  x[k++] = Math.log1p(Math.max(0, e.forms - 1));
  x[k++] = e.first ? 1 : 0;
  x[k++] = other > 0 && inTitle === 0 && e.metonymInContext === 0 ? 1 : 0;
  x[k++] = hasTheme;
  x[k++] = bare * hasTheme;
  x[k++] = place * hasTheme;
  x[k++] = bare * bodyTheme;
  x[k++] = 1 / all.length;
  x[k++] = Math.log1p(otherRule);
  x[k++] = isEu ? 1 : 0;
  x[k++] = e.terse ? 1 : 0;
  x[k++] = e.terse && e.rule ? 1 : 0;
  x[k++] = e.onTopic;
  x[k++] = e.rule ? e.onTopic : 0;
  for (const t of themeIds) x[k++] = themes.includes(t as ThemeId) ? 1 : 0;
  for (const l of LANGS) x[k++] = lang === l ? 1 : 0;
  x[k++] = 1;
  return x;
}

/** Buckets of the hashed context words. */
export const CONTEXT_BITS = 12;
const CONTEXT_SIZE = 1 << CONTEXT_BITS;

/** The bucket of a context word with its tag ("bare<" + "in"): FNV-1a over both, no concatenation. */
export function contextBucket(tag: string, word: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < tag.length; k++) h = Math.imul(h ^ tag.charCodeAt(k), 0x01000193);
  for (let k = 0; k < word.length; k++) h = Math.imul(h ^ word.charCodeAt(k), 0x01000193);
  return (h >>> 0) & (CONTEXT_SIZE - 1);
}

/**
 * The sum of the context weights over a candidate's distinct buckets, without allocating:
 * sorts its (few) buckets in place, by insertion (Array.prototype.sort takes a scratch copy).
 */
export function contextScore(e: RegionEvidence, ctx: Float64Array): number {
  const b = e.context;
  for (let i = 1; i < b.length; i++) {
    const v = b[i]!;
    let j = i - 1;
    for (; j >= 0 && b[j]! > v; j--) b[j + 1] = b[j]!;
    b[j + 1] = v;
  }
  let z = 0;
  for (let k = 0; k < b.length; k++) if (k === 0 || b[k] !== b[k - 1]) z += ctx[b[k]!]!;
  return z;
}

/** A candidate's context buckets, distinct and ascending. */
export function contextBuckets(e: RegionEvidence): Int32Array {
  const b = Int32Array.from(e.context).sort();
  let n = 0;
  for (let k = 0; k < b.length; k++) if (k === 0 || b[k] !== b[k - 1]) b[n++] = b[k]!;
  return b.subarray(0, n);
}

/**
 * The shipped region model: one weight per feature, the context buckets' weights (sparse:
 * [bucket, weight] pairs) and the logit cut.
 */
export interface RegionModel {
  features: string[];
  weights: number[];
  contextBits: number;
  context: Array<[number, number]>;
  threshold: number;
  /** Cross-validated micro-F1 of the regions at that cut (candidates only), for the record. */
  cvF1: number;
}

/** The context weights as a dense array (once per loaded model). */
export function denseContext(m: RegionModel): Float64Array {
  const out = new Float64Array(1 << m.contextBits);
  for (const [b, w] of m.context) out[b] = w;
  return out;
}

export function regionLogit(m: RegionModel, ctx: Float64Array, x: Float64Array, h: Int32Array): number {
  let z = denseLogit(m, x);
  for (let k = 0; k < h.length; k++) z += ctx[h[k]!]!;
  return z;
}

/** The dense features' part of the logit. */
export function denseLogit(m: RegionModel, x: Float64Array): number {
  let z = 0;
  for (let k = 0; k < x.length; k++) z += m.weights[k]! * x[k]!;
  return z;
}

export interface RegionSample {
  x: Float64Array;
  h: Int32Array;
  y: 0 | 1;
  /** Which item it belongs to (for folds). */
  key: string;
}

export interface RegionTrainSettings {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const REGION_SETTINGS: RegionTrainSettings = {
  epochs: 30,
  learningRate: 0.3,
  l2: 1e-4,
  seed: 20261206,
};

/** Logistic regression by AdaGrad, seeded shuffle, float64: the same samples give the same weights. */
export function trainRegionWeights(
  samples: readonly RegionSample[],
  s: RegionTrainSettings = REGION_SETTINGS,
): { weights: number[]; context: Float64Array } {
  const n = samples[0]?.x.length ?? 0;
  const w = new Float64Array(n);
  const g2 = new Float64Array(n).fill(1e-8);
  const c = new Float64Array(CONTEXT_SIZE);
  const c2 = new Float64Array(CONTEXT_SIZE).fill(1e-8);
  const order = samples.map((_, i) => i);
  const next = rng(s.seed);
  for (let e = 0; e < s.epochs; e++) {
    shuffle(order, next);
    for (const oi of order) {
      const { x, h, y } = samples[oi]!;
      let z = 0;
      for (let k = 0; k < n; k++) z += w[k]! * x[k]!;
      for (let k = 0; k < h.length; k++) z += c[h[k]!]!;
      const d = sigmoid(z) - y;
      for (let k = 0; k < h.length; k++) {
        const b = h[k]!;
        const grad = d + s.l2 * c[b]!;
        c2[b] = c2[b]! + grad * grad;
        c[b] = c[b]! - (s.learningRate * grad) / Math.sqrt(c2[b]!);
      }
      for (let k = 0; k < n; k++) {
        const xv = x[k]!;
        if (xv === 0) continue;
        const grad = d * xv + s.l2 * w[k]!;
        g2[k] = g2[k]! + grad * grad;
        w[k] = w[k]! - (s.learningRate * grad) / Math.sqrt(g2[k]!);
      }
    }
  }
  // Rounded so the JSON is short and the same on every platform.
  const round = (v: number): number => Math.round(v * 1e6) / 1e6;
  return { weights: [...w].map(round), context: c.map(round) };
}

/**
 * The cut with the best micro-F1 over candidates, given out-of-fold logits; `missed` counts
 * gold regions that no candidate proposed (they are false negatives at every cut).
 */
export function chooseRegionCut(
  scores: readonly number[],
  labels: readonly number[],
  missed: number,
): { cut: number; f1: number } {
  const rows = scores.map((z, i) => ({ z, y: labels[i]! })).sort((a, b) => b.z - a.z || a.y - b.y);
  const pos = rows.reduce((s, r) => s + r.y, 0) + missed;
  let tp = 0;
  let best = { cut: rows.length ? rows[0]!.z + 1 : 0, f1: 0 };
  for (let k = 0; k < rows.length; k++) {
    tp += rows[k]!.y;
    if (k + 1 < rows.length && rows[k + 1]!.z === rows[k]!.z) continue;
    const f1 = pos === 0 ? 0 : (2 * tp) / (k + 1 + pos);
    if (f1 > best.f1) {
      const cut = k + 1 < rows.length ? (rows[k]!.z + rows[k + 1]!.z) / 2 : rows[k]!.z - 1;
      best = { cut, f1 };
    }
  }
  return best;
}
