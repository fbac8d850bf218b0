// The learned layer: one logistic regression per theme (one-vs-rest) over the hashed text
// features and the rule scores of features.ts. Trained by scripts/train-tags.ts; the weights
// ship in feeds/tag-model.bin (hashed rows as int8 with one scale per output, the few rule and
// bias rows as float32) with feeds/tag-model.json (themes,
// per-theme thresholds, the hash of the files it was trained from). Training is deterministic:
// fixed item order, a seeded shuffle, IEEE arithmetic only, so the same files give the same bytes.

import { existsSync, readFileSync } from 'node:fs';
import { FEATURE_VERSION, HASH_BITS, HASH_SIZE, featureCount } from './features.ts';
import type { FeatureBuf } from './features.ts';
import type { RegionModel } from './region-model.ts';

export interface ModelMeta {
  format: 3;
  featureVersion: number;
  hashBits: number;
  themes: string[];
  /** Per theme: the logit above which the theme is tagged (best F1 in cross-validation). */
  threshold: number[];
  /** Per theme: the logit above which a tag is confident (precision target in cross-validation). */
  confident: number[];
  /** Per output (themes, then the on-topic gate): int8 weight × scale = weight of a hashed bucket. */
  scale: number[];
  /** The on-topic gate's logit cut: below it an item gets no theme at all. */
  gate: number;
  /** sha256 of the training inputs (labelled files, rule files, feature version). */
  inputHash: string;
  trainedOn: { files: string[]; items: number };
  settings: TrainSettings;
  /** Cross-validated figures of the threshold search, for the record. */
  cv: { folds: number; f1: number[]; precisionAtConfident: number[] };
  /** The region model (region-model.ts); without it the rules decide the regions. */
  regions?: RegionModel;
}

export interface TagModel {
  meta: ModelMeta;
  /** Layout [feature][output]: w[f * O + o], outputs = the themes, then the on-topic gate. */
  weights: Float32Array;
}

export interface TrainSettings {
  epochs: number;
  learningRate: number;
  l2: number;
  positiveWeight: number;
  seed: number;
  folds: number;
  /** Precision a confident tag must reach in cross-validation. */
  confidentPrecision: number;
  /**
   * Share of training steps in which an item's rule features are hidden, so the text
   * features learn to stand alone: the rules were tuned on much of the training data and
   * look more reliable there than on new text.
   */
  ruleDropout: number;
  /** Share of on-topic items the on-topic gate must let through in cross-validation. */
  gateRecall: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 12,
  learningRate: 0.5,
  l2: 1e-5,
  positiveWeight: 2,
  seed: 20261205,
  folds: 5,
  confidentPrecision: 0.95,
  ruleDropout: 0,
  gateRecall: 0.98,
};

/** Linear scores (logits) for every theme into `out`. */
export function scoreInto(
  weights: Float32Array | Float64Array,
  T: number,
  buf: FeatureBuf,
  out: Float64Array,
): void {
  out.fill(0);
  const { idx, val } = buf;
  for (let k = 0; k < buf.n; k++) {
    const base = idx[k]! * T;
    const v = val[k]!;
    for (let t = 0; t < T; t++) out[t] = out[t]! + weights[base + t]! * v;
  }
}

/**
 * The shipped weights as the tagger reads them. The hashed rows are the int8 the file ships,
 * offset by 128 (unsigned) and padded to 16 bytes, read four at a time as 32-bit words: a
 * word's even and odd bytes are added in two 16-bit lanes each (SWAR), so a feature costs four
 * reads and eight adds instead of sixteen of each, and the table (1 MB) is a quarter of float32.
 * The few dense rows (rule scores, bias) stay float32.
 */
export interface RuntimeWeights {
  outputs: number;
  /** Hashed rows, [bucket][4 words]; byte o of a row is output o's int8 weight + 128. */
  words: Uint32Array;
  /** Per output: int8 × scale = weight. */
  scale: Float64Array;
  /** Dense rows (rule features, bias), [feature - HASH_SIZE][output]. */
  dense: Float32Array;
  /** Scratch: per output, the sum of the hashed features' int8 weights. */
  acc: Int32Array;
  /** Scratch: the four words of each hashed feature's row, as `scoreRuntime` read them. */
  seen: Uint32Array;
}

/** Outputs a packed row holds (16 bytes); the themes (15) and the on-topic gate fit. */
const ROW_BYTES = 16;

export function runtimeWeights(weights: Float32Array, scale: readonly number[]): RuntimeWeights {
  const O = scale.length;
  if (O > ROW_BYTES) throw new Error(`the tagger packs at most ${ROW_BYTES} outputs, the model has ${O}`);
  const words = new Uint32Array(HASH_SIZE * 4);
  for (let f = 0; f < HASH_SIZE; f++) {
    for (let o = 0; o < ROW_BYTES; o++) {
      // Padding outputs hold 128: a zero weight. Shifts, not a byte view: any endianness.
      const b = o < O ? Math.round(weights[f * O + o]! / scale[o]!) + 128 : 128;
      words[f * 4 + (o >> 2)]! |= b << ((o & 3) * 8);
    }
  }
  return {
    outputs: O,
    words,
    scale: Float64Array.from(scale),
    dense: weights.slice(HASH_SIZE * O),
    acc: new Int32Array(ROW_BYTES),
    seen: new Uint32Array(0),
  };
}

const EVEN = 0x00ff00ff;

/**
 * Contributions (weight × value) of every feature of `buf` to output `o`, into `out` (for
 * `why`), from the rows `scoreRuntime` read for the same `buf` (kept in order, so explaining
 * several themes does not read the scattered table again).
 */
export function contributions(rw: RuntimeWeights, buf: FeatureBuf, o: number, out: Float64Array): void {
  const O = rw.outputs;
  const s = rw.scale[o]!;
  const { idx, val } = buf;
  const { seen, dense } = rw;
  const word = o >> 2;
  const shift = (o & 3) * 8;
  for (let k = 0; k < buf.n; k++) {
    const i = idx[k]!;
    const w =
      i < HASH_SIZE ? (((seen[k * 4 + word]! >>> shift) & 0xff) - 128) * s : dense[(i - HASH_SIZE) * O + o]!;
    out[k] = w * val[k]!;
  }
}

/**
 * The largest positive contributions of features [0, n) of `buf` to output `o`, as a scan of
 * `contributions` would rank them: indexes into `top` and values into `topC`, largest first,
 * the earlier feature first on ties. Returns how many were kept; `positive` of the result
 * counts every positive contribution. Runs once per tag given, over every feature of the item:
 * the hashed ones are ranked by their weight bytes, without float work.
 */
export function topContributions(
  rw: RuntimeWeights,
  buf: FeatureBuf,
  o: number,
  n: number,
  top: Int32Array,
  topC: Float64Array,
): { kept: number; positive: number } {
  const O = rw.outputs;
  const s = rw.scale[o]!;
  const { idx, val } = buf;
  const { seen, dense } = rw;
  const word = o >> 2;
  const shift = (o & 3) * 8;
  const size = top.length;
  let kept = 0;
  let positive = 0;
  let k = 0;
  if (s > 0) {
    // The hashed features come first and share one value, so with a positive scale their
    // contributions rank as their weight bytes do: rank bytes (held in `topC` for now), count
    // the positive ones without a branch, and once `size` are kept skip every byte not above
    // the smallest kept (most of them, a branch that is then predictable).
    const hashed = Math.min(buf.hashed, n);
    let floor = 128;
    for (; k < hashed; k++) {
      const b = (seen[k * 4 + word]! >>> shift) & 0xff;
      positive += (128 - b) >>> 31;
      if (b <= floor) continue;
      kept = keepTop(top, topC, kept, k, b);
      if (kept === size) floor = topC[size - 1]!;
    }
    for (let j = 0; j < kept; j++) topC[j] = (topC[j]! - 128) * s * val[top[j]!]!;
  }
  for (; k < n; k++) {
    const i = idx[k]!;
    const c =
      i < HASH_SIZE
        ? (((seen[k * 4 + word]! >>> shift) & 0xff) - 128) * s * val[k]!
        : dense[(i - HASH_SIZE) * O + o]! * val[k]!;
    if (!(c > 0)) continue;
    positive++;
    if (kept === size && c <= topC[size - 1]!) continue;
    kept = keepTop(top, topC, kept, k, c);
  }
  return { kept, positive };
}

/**
 * Inserts feature `k` with value `v` into the `kept` largest so far (`top`/`topC`, largest
 * first, earlier first on ties), dropping the smallest when full; returns the new count. The
 * caller has checked that `v` beats the smallest kept when full.
 */
function keepTop(top: Int32Array, topC: Float64Array, kept: number, k: number, v: number): number {
  const size = top.length;
  let j = kept < size ? kept++ : size - 1;
  for (; j > 0 && topC[j - 1]! < v; j--) {
    top[j] = top[j - 1]!;
    topC[j] = topC[j - 1]!;
  }
  top[j] = k;
  topC[j] = v;
  return kept;
}

/**
 * The logits of `scoreInto` over runtime weights, equal up to float rounding. The hashed
 * features all have the same value (extractFeatures scales them to unit length), so their
 * int8 weights are summed exactly as integers and scaled once per output; the few dense
 * features (rule scores, bias) follow.
 */
export function scoreRuntime(rw: RuntimeWeights, buf: FeatureBuf, out: Float64Array): void {
  const O = rw.outputs;
  const { words, scale, dense, acc } = rw;
  const { idx, val } = buf;
  const n = buf.n;
  const hashed = buf.hashed;
  if (rw.seen.length < hashed * 4) rw.seen = new Uint32Array(buf.idx.length * 4);
  const seen = rw.seen;
  acc.fill(0);
  let k = 0;
  while (k < hashed) {
    // A 16-bit lane holds 256 bytes of at most 255 before it could carry: flush every 256.
    const end = Math.min(hashed, k + 256);
    let e0 = 0;
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    let o0 = 0;
    let o1 = 0;
    let o2 = 0;
    let o3 = 0;
    for (; k < end; k++) {
      const b = idx[k]! << 2;
      const w0 = words[b]!;
      const w1 = words[b + 1]!;
      const w2 = words[b + 2]!;
      const w3 = words[b + 3]!;
      seen[k * 4] = w0;
      seen[k * 4 + 1] = w1;
      seen[k * 4 + 2] = w2;
      seen[k * 4 + 3] = w3;
      e0 = (e0 + (w0 & EVEN)) | 0;
      o0 = (o0 + ((w0 >>> 8) & EVEN)) | 0;
      e1 = (e1 + (w1 & EVEN)) | 0;
      o1 = (o1 + ((w1 >>> 8) & EVEN)) | 0;
      e2 = (e2 + (w2 & EVEN)) | 0;
      o2 = (o2 + ((w2 >>> 8) & EVEN)) | 0;
      e3 = (e3 + (w3 & EVEN)) | 0;
      o3 = (o3 + ((w3 >>> 8) & EVEN)) | 0;
    }
    addLanes(acc, 0, e0, o0);
    addLanes(acc, 4, e1, o1);
    addLanes(acc, 8, e2, o2);
    addLanes(acc, 12, e3, o3);
  }
  const v = hashed > 0 ? val[0]! : 0;
  for (let t = 0; t < O; t++) out[t] = (acc[t]! - 128 * hashed) * scale[t]! * v;
  for (let j = hashed; j < n; j++) {
    const base = (idx[j]! - HASH_SIZE) * O;
    const x = val[j]!;
    for (let t = 0; t < O; t++) out[t] = out[t]! + dense[base + t]! * x;
  }
}

/** Bytes 0 and 2 (low first) of a word's sums are in `even`, bytes 1 and 3 in `odd`. */
function addLanes(acc: Int32Array, at: number, even: number, odd: number): void {
  acc[at] = acc[at]! + (even & 0xffff);
  acc[at + 1] = acc[at + 1]! + (odd & 0xffff);
  acc[at + 2] = acc[at + 2]! + (even >>> 16);
  acc[at + 3] = acc[at + 3]! + (odd >>> 16);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Features of one training item, copied out of a FeatureBuf. */
export interface TrainItem {
  idx: Int32Array<ArrayBuffer>;
  val: Float64Array<ArrayBuffer>;
  labels: Uint8Array;
}

export function snapshot(buf: FeatureBuf, labels: Uint8Array): TrainItem {
  return { idx: buf.idx.slice(0, buf.n), val: buf.val.slice(0, buf.n), labels };
}

/** A small seeded generator (mulberry32): the same seed gives the same shuffles everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with the seeded generator: the same seed, the same order. */
export function shuffle(order: number[], next: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
}

/**
 * AdaGrad on the logistic loss, all themes at once (they share the features of an item).
 * Positives weigh `positiveWeight` (themes are rare); L2 is applied to the weights an item
 * touches. Returns weights quantized as shipped, so cross-validation sees the shipped precision.
 */
export function train(
  items: readonly TrainItem[],
  T: number,
  s: TrainSettings,
  /** Themes with rule features (outputs may add the on-topic gate after the themes). */
  ruleThemes = T,
): { weights: Float32Array; scale: number[] } {
  const F = featureCount(ruleThemes);
  const ruleEnd = F - 1; // the bias is the last feature
  const w = new Float64Array(F * T);
  const g2 = new Float64Array(F * T).fill(1e-8);
  const order = items.map((_, i) => i);
  const next = rng(s.seed);
  const z = new Float64Array(T);
  for (let e = 0; e < s.epochs; e++) {
    shuffle(order, next);
    for (const oi of order) {
      const it = items[oi]!;
      const { idx, val, labels } = it;
      const drop = s.ruleDropout > 0 && next() < s.ruleDropout;
      z.fill(0);
      for (let k = 0; k < idx.length; k++) {
        if (drop && idx[k]! >= HASH_SIZE && idx[k]! < ruleEnd) continue;
        const base = idx[k]! * T;
        const v = val[k]!;
        for (let t = 0; t < T; t++) z[t] = z[t]! + w[base + t]! * v;
      }
      for (let t = 0; t < T; t++) {
        const y = labels[t]!;
        const p = sigmoid(z[t]!);
        z[t] = (p - y) * (y ? s.positiveWeight : 1);
      }
      for (let k = 0; k < idx.length; k++) {
        if (drop && idx[k]! >= HASH_SIZE && idx[k]! < ruleEnd) continue;
        const base = idx[k]! * T;
        const v = val[k]!;
        for (let t = 0; t < T; t++) {
          const j = base + t;
          const grad = z[t]! * v + s.l2 * w[j]!;
          if (grad === 0) continue;
          const acc = g2[j]! + grad * grad;
          g2[j] = acc;
          w[j] = w[j]! - (s.learningRate * grad) / Math.sqrt(acc);
        }
      }
    }
  }
  return quantize(w, T);
}

/**
 * The weights as shipped: hashed rows rounded to int8 with one scale per output (a hashed
 * feature's value is about 1/√190, so rounding moves a logit by a few thousandths), dense rows
 * (rule features, bias) kept as float32.
 */
function quantize(w: Float64Array, T: number): { weights: Float32Array; scale: number[] } {
  const hashedEnd = HASH_SIZE * T;
  const max = new Array<number>(T).fill(0);
  for (let j = 0; j < hashedEnd; j++) {
    const a = Math.abs(w[j]!);
    const t = j % T;
    if (a > max[t]!) max[t] = a;
  }
  const scale = max.map((m) => (m === 0 ? 1 : m / 127));
  const out = new Float32Array(w.length);
  for (let j = 0; j < hashedEnd; j++) out[j] = Math.round(w[j]! / scale[j % T]!) * scale[j % T]!;
  for (let j = hashedEnd; j < w.length; j++) out[j] = w[j]!;
  return { weights: out, scale };
}

/** The bytes of feeds/tag-model.bin: int8 hashed rows, then float32 (little-endian) dense rows. */
export function encodeWeights(weights: Float32Array, scale: readonly number[]): Buffer {
  const T = scale.length;
  const hashedEnd = HASH_SIZE * T;
  const buf = Buffer.alloc(hashedEnd + (weights.length - hashedEnd) * 4);
  for (let j = 0; j < hashedEnd; j++) buf.writeInt8(Math.round(weights[j]! / scale[j % T]!), j);
  for (let j = hashedEnd; j < weights.length; j++)
    buf.writeFloatLE(weights[j]!, hashedEnd + (j - hashedEnd) * 4);
  return buf;
}

export interface Thresholds {
  /** The out-of-fold logits the cuts were chosen on (one array per item), when cross-validated. */
  oof?: Float64Array[];
  threshold: number[];
  confident: number[];
  f1: number[];
  precisionAtConfident: number[];
}

/**
 * Per theme, from out-of-fold logits: the cut with the best F1 (midway between neighbouring
 * scores) and the lowest cut at or above it whose precision reaches `targetPrecision` (the
 * best-F1 cut when none does).
 */
export function chooseThresholds(
  scores: readonly Float64Array[],
  labels: readonly Uint8Array[],
  T: number,
  targetPrecision: number,
): Thresholds {
  const out: Thresholds = { threshold: [], confident: [], f1: [], precisionAtConfident: [] };
  for (let t = 0; t < T; t++) {
    const rows = scores.map((s, i) => ({ z: s[t]!, y: labels[i]![t]! }));
    // Highest first; equal scores by label so ties do not depend on item order.
    rows.sort((a, b) => b.z - a.z || a.y - b.y);
    const pos = rows.reduce((n, r) => n + r.y, 0);
    let tp = 0;
    let bestF1 = -1;
    let bestK = 0;
    const prec: number[] = [];
    for (let k = 0; k < rows.length; k++) {
      tp += rows[k]!.y;
      prec.push(tp / (k + 1));
      // A cut can fall only between different scores.
      if (k + 1 < rows.length && rows[k + 1]!.z === rows[k]!.z) continue;
      const f1 = pos === 0 ? 0 : (2 * tp) / (k + 1 + pos);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestK = k;
      }
    }
    const cutAt = (k: number): number =>
      k + 1 < rows.length ? (rows[k]!.z + rows[k + 1]!.z) / 2 : rows[k]!.z - 1;
    out.threshold.push(rows.length ? cutAt(bestK) : 0);
    out.f1.push(Math.max(0, bestF1));
    let confK = -1;
    for (let k = bestK; k >= 0; k--) {
      if (k + 1 < rows.length && rows[k + 1]!.z === rows[k]!.z) continue;
      if (prec[k]! >= targetPrecision) {
        confK = k;
        break;
      }
    }
    const ck = confK < 0 ? bestK : confK;
    out.confident.push(rows.length ? Math.max(cutAt(ck), out.threshold[t]!) : 0);
    out.precisionAtConfident.push(prec[ck] ?? 0);
  }
  return out;
}

/**
 * Theme t's cut for an item: its tag threshold when the on-topic gate is open, else its
 * confident threshold. An item the gate doubts keeps only the themes that are confident on
 * their own: a bare headline such as "Iraq: internet shutdown ordered" gives the gate few
 * words but the theme a clear signal. `z` holds the themes' logits, then the gate's.
 */
export function themeCut(
  z: ArrayLike<number>,
  T: number,
  t: number,
  gate: number,
  threshold: readonly number[],
  confident: readonly number[],
): number {
  return z[T]! >= gate ? threshold[t]! : confident[t]!;
}

/** Fold of an item from its id: stable when items are added or reordered. */
export function foldOf(id: string, folds: number, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) % folds;
}

/**
 * Out-of-fold logits for every item (k-fold by `foldOf`), then thresholds chosen on them.
 * `ids` give the folds.
 */
export function crossValidatedThresholds(
  items: readonly TrainItem[],
  ids: readonly string[],
  T: number,
  s: TrainSettings,
  salt: number,
  ruleThemes = T,
): Thresholds {
  const oof = items.map(() => new Float64Array(T));
  const buf = { idx: new Int32Array(0), val: new Float64Array(0), n: 0 };
  for (let f = 0; f < s.folds; f++) {
    const trainSet = items.filter((_, i) => foldOf(ids[i]!, s.folds, salt) !== f);
    const m = train(trainSet, T, s, ruleThemes);
    items.forEach((it, i) => {
      if (foldOf(ids[i]!, s.folds, salt) !== f) return;
      buf.idx = it.idx;
      buf.val = it.val;
      buf.n = it.idx.length;
      scoreInto(m.weights, T, buf as FeatureBuf, oof[i]!);
    });
  }
  const labels = items.map((it) => it.labels);
  const th = chooseThresholds(oof, labels, T, s.confidentPrecision);
  if (T > ruleThemes) {
    // The last output is the on-topic gate: a recall-bound cut, see gateCut.
    const g = gateCut(
      oof.map((z) => z[T - 1]!),
      labels.map((l) => l[T - 1]!),
      s.gateRecall,
    );
    th.threshold[T - 1] = g;
    th.confident[T - 1] = g;
  }
  th.oof = oof;
  return th;
}

/**
 * The gate's cut: the highest score that still lets `recall` of the on-topic items through,
 * so the gate stops only items that look clearly off-topic (a gated item loses all themes).
 */
export function gateCut(scores: readonly number[], onTopic: readonly number[], recall: number): number {
  const on = scores.filter((_, i) => onTopic[i] === 1).sort((a, b) => b - a);
  if (on.length === 0) return 0;
  const k = Math.min(on.length - 1, Math.ceil(recall * on.length) - 1);
  const below = scores.filter((z) => z < on[k]!);
  const next = below.length ? Math.max(...below) : on[k]! - 1;
  return (on[k]! + next) / 2;
}

export const MODEL_JSON = 'tag-model.json';
export const MODEL_BIN = 'tag-model.bin';

/** Loads the model beside the rule files, or null when there is none. */
export function loadModel(dir: string): TagModel | null {
  const jsonPath = `${dir}/${MODEL_JSON}`;
  const binPath = `${dir}/${MODEL_BIN}`;
  if (!existsSync(jsonPath) || !existsSync(binPath)) return null;
  const meta = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelMeta;
  if (meta.format !== 3 || meta.featureVersion !== FEATURE_VERSION || meta.hashBits !== HASH_BITS) {
    throw new Error(
      `${jsonPath}: made for another feature layout (format ${meta.format}, features v${meta.featureVersion}, ${meta.hashBits} bits); run npm run train:tags`,
    );
  }
  const bytes = readFileSync(binPath);
  const T = meta.themes.length;
  const O = T + 1;
  const hashedEnd = HASH_SIZE * O;
  const expected = hashedEnd + (featureCount(T) * O - hashedEnd) * 4;
  if (bytes.length !== expected)
    throw new Error(`${binPath}: ${bytes.length} bytes, expected ${expected}; run npm run train:tags`);
  const weights = new Float32Array(featureCount(T) * O);
  for (let j = 0; j < hashedEnd; j++) weights[j] = bytes.readInt8(j) * meta.scale[j % O]!;
  for (let j = hashedEnd; j < weights.length; j++)
    weights[j] = bytes.readFloatLE(hashedEnd + (j - hashedEnd) * 4);
  return { meta, weights };
}

export { HASH_SIZE };
