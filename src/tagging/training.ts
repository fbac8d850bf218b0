// The labelled data and the training run behind feeds/tag-model.*: which files train the
// model (test/fixtures/tagging/*.jsonl except blind-*.jsonl, which are kept for a one-time
// blind measurement), the hash that says whether the shipped model is current, and the
// training itself (thresholds from k-fold cross-validation, then a fit on everything).

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isThemeId } from '../model.ts';
import type { Tags, ThemeId } from '../model.ts';
import { FEATURE_VERSION, FeatureBuf, HASH_BITS } from './features.ts';
import { evaluate, prf } from './evaluate.ts';
import type { EvalReport, LabelledItem, Prf } from './evaluate.ts';
import {
  DEFAULT_SETTINGS,
  crossValidatedThresholds,
  foldOf,
  themeCut,
  scoreInto,
  sigmoid,
  snapshot,
  encodeWeights,
  train,
} from './learned.ts';
import type { ModelMeta, TagModel, Thresholds, TrainItem, TrainSettings } from './learned.ts';
import { loadSourceThemes } from './sources.ts';
import {
  CONTEXT_BITS,
  REGION_SETTINGS,
  chooseRegionCut,
  contextBuckets,
  contextScore,
  denseContext,
  denseLogit,
  langOf,
  regionFeatureNames,
  regionFeatures,
  regionLogit,
  trainRegionWeights,
} from './region-model.ts';
import type { RegionEvidence, RegionModel, RegionSample } from './region-model.ts';
import { createTagger, loadRules } from './tagger.ts';
import type { FeatureTagger } from './tagger.ts';

export interface LabelledRow {
  id: string;
  source?: string;
  lang?: string;
  title: string;
  summary: string;
  themes: string[];
  regions: string[];
}

/** Folder of the labelled files, relative to the package root. */
export const LABELLED_DIR = 'test/fixtures/tagging';

/** Labelled files that train the model: every .jsonl there except the blind batches. */
export function trainingFiles(root: string): string[] {
  return readdirSync(join(root, LABELLED_DIR))
    .filter((f) => f.endsWith('.jsonl') && !f.startsWith('blind-'))
    .sort()
    .map((f) => `${LABELLED_DIR}/${f}`);
}

/** Files whose content the model depends on besides the labelled files. */
export const RULE_FILES = [
  'feeds/themes.yaml',
  'feeds/regions.yaml',
  'feeds/gazetteer.yaml',
  'feeds/gazetteer-places.yaml',
  'feeds/countries.yaml',
  'feeds/sources.yaml',
];

export function readJsonl(path: string): LabelledRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as LabelledRow;
      } catch {
        throw new Error(`${path}:${i + 1}: not valid JSON`);
      }
    });
}

/** sha256 over the feature version, the settings, and each input file's name and bytes. */
export function inputHash(root: string, settings: TrainSettings = DEFAULT_SETTINGS): string {
  const h = createHash('sha256');
  h.update(`features v${FEATURE_VERSION} bits ${HASH_BITS}\n${JSON.stringify(settings)}\n`);
  for (const f of [...RULE_FILES, ...trainingFiles(root)]) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

export interface Dataset {
  rows: LabelledRow[];
  /** file:id, unique, for fold assignment. */
  keys: string[];
  items: TrainItem[];
  themes: ThemeId[];
  /** What the rules alone give each item (themes and regions). */
  ruleTags: Tags[];
  /** The rules-only tagger that made the features (it also proposes region candidates). */
  tagger: FeatureTagger;
  /** Region codes by rule index. */
  regionCodes: string[];
}

/** A rules-only tagger of the package's rule files, able to give features. */
export function ruleTagger(root: string): FeatureTagger {
  return createTagger(loadRules(join(root, 'feeds/themes.yaml'), join(root, 'feeds/regions.yaml')));
}

export function buildDataset(
  root: string,
  files: readonly string[],
  tagger: FeatureTagger = ruleTagger(root),
): Dataset {
  const priors = loadSourceThemes(join(root, 'feeds/sources.yaml'));
  const rules = loadRules(join(root, 'feeds/themes.yaml'), join(root, 'feeds/regions.yaml'));
  const themes = rules.themes.map((t) => t.id);
  const buf = new FeatureBuf();
  const rows: LabelledRow[] = [];
  const keys: string[] = [];
  const items: TrainItem[] = [];
  const ruleTags: Tags[] = [];
  for (const f of files) {
    for (const r of readJsonl(join(root, f))) {
      for (const t of r.themes) if (!isThemeId(t)) throw new Error(`${f}: ${r.id}: unknown theme ${t}`);
      const tags = tagger.featuresOf(
        {
          title: r.title,
          summary: r.summary,
          lang: r.lang ?? null,
          sourceThemes: r.source ? priors.get(r.source.toLowerCase()) : undefined,
        },
        buf,
      );
      // The themes, then the on-topic gate (any theme at all).
      const labels = new Uint8Array(themes.length + 1);
      themes.forEach((t, i) => (labels[i] = r.themes.includes(t) ? 1 : 0));
      labels[themes.length] = r.themes.length > 0 ? 1 : 0;
      rows.push(r);
      keys.push(`${f.split('/').pop()}:${r.id}`);
      items.push(snapshot(buf, labels));
      ruleTags.push(tags);
    }
  }
  return { rows, keys, items, themes, ruleTags, tagger, regionCodes: rules.regions.map((r) => r.code) };
}

/** Salt of the folds that choose the shipped thresholds (eval's outer folds use another). */
export const THRESHOLD_SALT = 1;

/** Thresholds by k-fold cross-validation, then the weights fitted on every item. */
export function trainModel(
  data: Dataset,
  files: readonly string[],
  hash: string,
  settings: TrainSettings = DEFAULT_SETTINGS,
): { model: TagModel; bin: Buffer; json: string } {
  const T = data.themes.length;
  const O = T + 1;
  const th = crossValidatedThresholds(data.items, data.keys, O, settings, THRESHOLD_SALT, T);
  const { weights, scale } = train(data.items, O, settings, T);
  const all = data.items.map((_, i) => i);
  const regions = fitRegionsFor(data, th, all, settings.folds);
  const meta: ModelMeta = {
    format: 3,
    featureVersion: FEATURE_VERSION,
    hashBits: HASH_BITS,
    themes: data.themes,
    threshold: th.threshold.slice(0, T),
    confident: th.confident.slice(0, T),
    scale,
    gate: th.threshold[T]!,
    inputHash: hash,
    trainedOn: { files: [...files], items: data.items.length },
    settings,
    cv: {
      folds: settings.folds,
      f1: th.f1.slice(0, T).map((x) => Math.round(x * 1000) / 1000),
      precisionAtConfident: th.precisionAtConfident.slice(0, T).map((x) => Math.round(x * 1000) / 1000),
    },
    regions,
  };
  const bin = encodeWeights(weights, scale);
  return { model: { meta, weights }, bin, json: `${JSON.stringify(meta, null, 1)}\n` };
}

/**
 * Leave one file out: each file whose name starts with `prefix` is held out in turn (the
 * model, its thresholds and the region model fitted on all the other files), the closest the
 * labelled data comes to text by an author the model has never seen. Results in file order.
 */
export function leaveOneFileOut(
  data: Dataset,
  prefix: string,
  settings: TrainSettings = DEFAULT_SETTINGS,
): { file: string; result: FoldResult }[] {
  const fileOf = (key: string): string => key.slice(0, key.indexOf(':'));
  const held = [...new Set(data.keys.map(fileOf))].filter((f) => f.startsWith(prefix)).sort();
  const res = nestedCv(
    data,
    settings,
    held.length,
    () => true,
    (k) => held.indexOf(fileOf(k)),
  );
  return held.map((file, i) => ({ file, result: res[i]! }));
}

/** Salt of the outer folds of the nested cross-validation (different from THRESHOLD_SALT). */
export const OUTER_SALT = 7;

export interface FoldResult {
  fold: number;
  test: number;
  rules: EvalReport;
  model: EvalReport;
  /** Share of test items without gold themes that got no theme: rules, model, model-confident. */
  offTopicUntagged: { rules: number; model: number; confident: number; items: number };
  /** Micro P/R of confident tags alone on the test items. */
  confident: Prf;
}

/**
 * Nested k-fold cross-validation: for each outer fold the thresholds are chosen by an inner
 * k-fold run on the training part only, the model is fitted on the training part, and both
 * the rules alone and rules+model are scored on the held-out part.
 */
export function nestedCv(
  data: Dataset,
  settings: TrainSettings = DEFAULT_SETTINGS,
  folds = 5,
  /** Score only the held-out items whose key (file:id) passes (all by default). */
  reportOn: (key: string) => boolean = () => true,
  /** The outer fold of an item by its key; -1 = always trained on (default: a hash of the key). */
  outerFold: (key: string) => number = (k) => foldOf(k, folds, OUTER_SALT),
): FoldResult[] {
  const T = data.themes.length;
  const O = T + 1;
  const out: FoldResult[] = [];
  const z = new Float64Array(O);
  for (let f = 0; f < folds; f++) {
    const inTest = data.keys.map((k) => outerFold(k) === f);
    const trIdx = data.items.map((_, i) => i).filter((i) => !inTest[i]);
    const teIdx = data.items.map((_, i) => i).filter((i) => inTest[i] && reportOn(data.keys[i]!));
    const trItems = trIdx.map((i) => data.items[i]!);
    const th = crossValidatedThresholds(
      trItems,
      trIdx.map((i) => data.keys[i]!),
      O,
      settings,
      THRESHOLD_SALT,
      T,
    );
    const { weights } = train(trItems, O, settings, T);
    const rm = fitRegionsFor(data, th, trIdx, settings.folds);
    const ctx = denseContext(rm);
    const gold: LabelledItem[] = [];
    const ruleP: LabelledItem[] = [];
    const modelP: LabelledItem[] = [];
    let off = 0;
    let offRules = 0;
    let offModel = 0;
    let offConf = 0;
    let ctp = 0;
    let cfp = 0;
    let cfn = 0;
    for (const i of teIdx) {
      const row = data.rows[i]!;
      const it = data.items[i]!;
      const id = data.keys[i]!;
      scoreInto(weights, O, { idx: it.idx, val: it.val, n: it.idx.length } as FeatureBuf, z);
      const themes = themesOf(z, data.themes, th);
      const conf = data.themes.filter((_, t) => z[t]! >= th.confident[t]!);
      const rt = data.ruleTags[i]!;
      gold.push({ id, themes: row.themes, regions: row.regions });
      ruleP.push({ id, themes: rt.themes, regions: rt.regions });
      modelP.push({ id, themes, regions: predictRegions(data, i, themes, sigmoid(z[T]!), rm, ctx) });
      for (const t of conf)
        if (row.themes.includes(t)) ctp++;
        else cfp++;
      for (const t of row.themes) if (!(conf as string[]).includes(t)) cfn++;
      if (row.themes.length === 0) {
        off++;
        if (rt.themes.length === 0) offRules++;
        if (themes.length === 0) offModel++;
        if (conf.length === 0) offConf++;
      }
    }
    out.push({
      fold: f,
      test: teIdx.length,
      rules: evaluate(gold, ruleP, data.themes),
      model: evaluate(gold, modelP, data.themes),
      offTopicUntagged: {
        rules: off ? offRules / off : 1,
        model: off ? offModel / off : 1,
        confident: off ? offConf / off : 1,
        items: off,
      },
      confident: prf(ctp, cfp, cfn),
    });
  }
  return out;
}

/**
 * The region model fitted on items `idx` (th.oof holds their out-of-fold theme logits, in the
 * same order). It sees each item with the themes the theme model gave it out of fold: themes
 * as wrong as they will be on new text, not the near-perfect fit of the training items.
 */
function fitRegionsFor(data: Dataset, th: Thresholds, idx: readonly number[], folds: number): RegionModel {
  const T = data.themes.length;
  const themes = idx.map((_, j) => themesOf(th.oof![j]!, data.themes, th));
  const onTopic = idx.map((_, j) => sigmoid(th.oof![j]![T]!));
  const { samples, missed } = regionSamples(data, idx, themes, onTopic);
  return fitRegionModel(samples, missed, data.themes, folds);
}

/** The themes whose logits in `z` (themes, then the gate) reach their cuts, as the tagger gives them. */
function themesOf(z: Float64Array, themes: readonly ThemeId[], th: Thresholds): ThemeId[] {
  const T = themes.length;
  return themes.filter((_, t) => z[t]! >= themeCut(z, T, t, th.threshold[T]!, th.threshold, th.confident));
}

/** Item i's region candidates, as if it had `themes`, and its language for the region model. */
function candidatesOf(
  data: Dataset,
  i: number,
  themes: readonly ThemeId[],
  onTopic: number | undefined,
): { cands: RegionEvidence[]; lang: string } {
  const row = data.rows[i]!;
  const input = { title: row.title, summary: row.summary, lang: row.lang ?? null };
  return {
    cands: data.tagger.regionCandidatesOf(input, themes, onTopic),
    lang: langOf(row.lang, `${row.title} ${row.summary}`),
  };
}

/** The regions the region model keeps for item i, given its themes. */
export function predictRegions(
  data: Dataset,
  i: number,
  themes: readonly ThemeId[],
  onTopic: number,
  rm: RegionModel,
  ctx: Float64Array,
): string[] {
  const { cands, lang } = candidatesOf(data, i, themes, onTopic);
  // Scored as the tagger scores them (tagger.ts, regionKept).
  return cands
    .filter((e) => {
      const x = regionFeatures(e, cands, themes, data.themes, lang, data.regionCodes[e.region] === 'EU');
      return denseLogit(rm, x) + contextScore(e, ctx) >= rm.threshold;
    })
    .map((e) => data.regionCodes[e.region]!)
    .sort();
}

/**
 * The region model's training samples: each item's region candidates (with the themes given
 * for it) against its gold regions; `missed` counts gold regions no candidate proposed.
 */
export function regionSamples(
  data: Dataset,
  idx: readonly number[],
  themes: readonly ThemeId[][],
  /** The on-topic probability per item (default: 1 when it has a theme). */
  onTopic?: readonly number[],
): { samples: RegionSample[]; missed: number } {
  const samples: RegionSample[] = [];
  let missed = 0;
  idx.forEach((i, j) => {
    const row = data.rows[i]!;
    const its = themes[j]!;
    const { cands, lang } = candidatesOf(data, i, its, onTopic?.[j]);
    const proposed = new Set<string>();
    for (const e of cands) {
      const code = data.regionCodes[e.region]!;
      proposed.add(code);
      const x = regionFeatures(e, cands, its, data.themes, lang, code === 'EU');
      samples.push({ x, h: contextBuckets(e), y: row.regions.includes(code) ? 1 : 0, key: data.keys[i]! });
    }
    for (const g of row.regions) if (!proposed.has(g)) missed++;
  });
  return { samples, missed };
}

/** The region model: its cut by k-fold cross-validation over items, then weights on all samples. */
export function fitRegionModel(
  samples: readonly RegionSample[],
  missed: number,
  themes: readonly string[],
  folds: number,
): RegionModel {
  const oof = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const inFold = samples.map((s) => foldOf(s.key, folds, THRESHOLD_SALT) === f);
    const w = trainRegionWeights(
      samples.filter((_, i) => !inFold[i]),
      REGION_SETTINGS,
    );
    const m = {
      features: [],
      weights: w.weights,
      contextBits: CONTEXT_BITS,
      context: [],
      threshold: 0,
      cvF1: 0,
    };
    samples.forEach((s, i) => {
      if (inFold[i]) oof[i] = regionLogit(m, w.context, s.x, s.h);
    });
  }
  const { cut, f1 } = chooseRegionCut(
    oof,
    samples.map((s) => s.y),
    missed,
  );
  const all = trainRegionWeights(samples, REGION_SETTINGS);
  const context: Array<[number, number]> = [];
  all.context.forEach((w, b) => {
    if (w !== 0) context.push([b, w]);
  });
  return {
    features: regionFeatureNames(themes),
    weights: all.weights,
    contextBits: CONTEXT_BITS,
    context,
    threshold: Math.round(cut * 1e6) / 1e6,
    cvF1: Math.round(f1 * 1000) / 1000,
  };
}
