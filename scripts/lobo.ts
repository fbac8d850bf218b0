// experiment: leave-one-blind-batch-out
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { buildDataset, trainingFiles, THRESHOLD_SALT, LABELLED_DIR, ruleTagger, modelThemes, regionSamples, fitRegionModel } from '../src/tagging/training.ts';
import { loadRules } from '../src/tagging/tagger.ts';
import { regionFeatures, regionLogit, denseContext, contextBuckets } from '../src/tagging/region-model.ts';
import { DEFAULT_SETTINGS, crossValidatedThresholds, train, scoreInto } from '../src/tagging/learned.ts';
import type { FeatureBuf } from '../src/tagging/features.ts';
import { evaluate } from '../src/tagging/evaluate.ts';
import type { LabelledItem } from '../src/tagging/evaluate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const blind = readdirSync(`${root}${LABELLED_DIR}`).filter((f) => /^(retired-blind-\d+|i10k-[a-z])\.jsonl$/.test(f)).sort().map((f) => `${LABELLED_DIR}/${f}`);
const withBlind = process.env.WITH_BLIND === '1';
const candidates = (process.env.CANDS ?? '').split(',').filter(Boolean).map((f) => `${LABELLED_DIR}/candidates/${f}`);
const groupTh = process.env.GROUP_TH === '1';
const settings = { ...DEFAULT_SETTINGS, ...JSON.parse(process.env.SETTINGS ?? '{}') };
const base = [...trainingFiles(root), ...candidates];
const all = base;
const tagger = ruleTagger(root);
const data = buildDataset(root, all, tagger);
const codes = loadRules(`${root}feeds/themes.yaml`, `${root}feeds/regions.yaml`).regions.map((r) => r.code);
const useRegions = process.env.REGIONS === '1';
const fileOf = data.keys.map((k) => k.split(':')[0]!);
const group = (f: string) => f.replace(/-(en|ru|zh|ar|es|fr|de)\.jsonl$/, '').replace(/\.jsonl$/, '');
const T = data.themes.length;
const O = T + 1;
const sumsD: Record<number, number[]> = {};
const offsD: Record<number, number[]> = {};
const sums = { macro: 0, reg: 0, off: 0, n: 0 };
const only = (process.env.ONLY ?? '').split(',').filter(Boolean);
for (const held of blind) {
  const hname = held.split('/').pop()!;
  if (only.length && !only.some((o) => hname.includes(o))) continue;
  const tr: number[] = [];
  const te: number[] = [];
  data.keys.forEach((_, i) => {
    const f = fileOf[i]!;
    if (f === hname) te.push(i);
    else if ((!f.startsWith("retired-blind-") && !f.startsWith("i10k-")) || withBlind) tr.push(i);
  });
  const trItems = tr.map((i) => data.items[i]!);
  const ids = tr.map((i) => (groupTh ? group(fileOf[i]!) : data.keys[i]!));
  const th = crossValidatedThresholds(trItems, ids, O, settings, THRESHOLD_SALT, T);
  const { weights } = train(trItems, O, settings, T);
  const rm = useRegions
    ? (() => { const oofThemes = tr.map((_, j) => { const zz = th.oof![j]!; if (zz[T]! < th.threshold[T]!) return []; return data.themes.filter((_, t) => zz[t]! >= th.threshold[t]!); }); const { samples, missed } = regionSamples(data, tagger, tr, process.env.INSAMPLE ? modelThemes(data, weights, th, tr) : oofThemes, codes, tr.map((_, j) => 1 / (1 + Math.exp(-th.oof![j]![T]!)))); return fitRegionModel(samples, missed, data.themes, 5); })()
    : null;
  const z = new Float64Array(O);
  const gold: LabelledItem[] = [];
  const pred: LabelledItem[] = [];
  let off = 0, offU = 0, nocand = 0, ngold = 0;
  for (const i of te) {
    const it = data.items[i]!;
    const row = data.rows[i]!;
    scoreInto(weights, O, { idx: it.idx, val: it.val, n: it.idx.length } as FeatureBuf, z);
    const open = z[T]! >= th.threshold[T]!;
    const themes = open ? data.themes.filter((_, t) => z[t]! >= th.threshold[t]!) : [];
    gold.push({ id: data.keys[i]!, themes: row.themes, regions: row.regions });
    let regions = data.ruleTags[i]!.regions as string[];
    if (rm) {
      const c = tagger.regionCandidatesOf({ title: row.title, summary: row.summary, lang: row.lang ?? null }, themes, 1 / (1 + Math.exp(-z[T]!)));
      ngold += row.regions.length; nocand += row.regions.filter((g) => !c.some((e) => codes[e.region] === g)).length;
      const ctx = denseContext(rm);
      if (process.env.RULEREJ) for (const e of c) {
        const x = regionFeatures(e, c, themes, data.themes, (row.lang ?? '').slice(0, 2), codes[e.region] === 'EU');
        const zz = regionLogit(rm, ctx, x, contextBuckets(e));
        if (e.rule && zz < rm.threshold) console.log(`  REJ ${row.id} ${codes[e.region]} gold=${row.regions.includes(codes[e.region]!)} z=${zz.toFixed(2)} thr=${rm.threshold.toFixed(2)} ${e.notes.join('|')} :: ${rm.features.map((f, k) => (x[k] ? `${f}=${(x[k]! * rm.weights[k]!).toFixed(2)}` : '')).filter(Boolean).join(' ')} ctx=${(zz - rm.features.reduce((a, _, k) => a + x[k]! * rm.weights[k]!, 0)).toFixed(2)}`);
      }
      regions = c.filter((e) => regionLogit(rm, ctx, regionFeatures(e, c, themes, data.themes, (row.lang ?? '').slice(0, 2), codes[e.region] === 'EU'), contextBuckets(e)) >= rm.threshold).map((e) => codes[e.region]!);
    }
    pred.push({ id: data.keys[i]!, themes, regions: regions as never });
    if (process.env.RERRS) {
      const fn = row.regions.filter((t) => !regions.includes(t));
      const fp = regions.filter((t) => !row.regions.includes(t));
      if (fn.length || fp.length) console.log(`  ${row.id} FN=${fn.join(',')} FP=${fp.join(',')} | ${row.title} | ${row.summary.slice(0, 200)}`);
    }
    if (process.env.ERRS) {
      const fn = row.themes.filter((t) => !themes.includes(t as never));
      const fp = themes.filter((t) => !row.themes.includes(t));
      if (fn.length || fp.length) console.log(`  ${row.id} FN=${fn.join(',')} FP=${fp.join(',')} | ${row.title} | ${row.summary.slice(0, 160)}`);
    }
    if (row.themes.length === 0) { off++; if (themes.length === 0) offU++; }
  }
  for (const d of (process.env.DELTAS ?? '').split(',').filter(Boolean).map(Number)) {
    const pd: LabelledItem[] = [];
    let offD = 0;
    for (const i of te) {
      const it = data.items[i]!;
      scoreInto(weights, O, { idx: it.idx, val: it.val, n: it.idx.length } as FeatureBuf, z);
      const open = z[T]! >= th.threshold[T]! - (process.env.GATE_SHIFT ? d : 0);
      const themes = open ? data.themes.filter((_, t) => z[t]! >= th.threshold[t]! - d) : [];
      pd.push({ id: data.keys[i]!, themes, regions: [] });
      if (data.rows[i]!.themes.length === 0 && themes.length === 0) offD++;
    }
    const rd = evaluate(gold, pd, data.themes);
    const w = Object.entries(rd.perTheme).sort((a, b) => a[1].f1 - b[1].f1)[0]!;
    console.log(`  delta ${d}: macro ${rd.macroF1.toFixed(3)} (P ${rd.themesMicro.precision.toFixed(3)} R ${rd.themesMicro.recall.toFixed(3)}) off ${(offD / off).toFixed(3)} worst ${w[0]} ${w[1].f1.toFixed(3)}`);
    (sumsD[d] ??= []).push(rd.macroF1);
    (offsD[d] ??= []).push(offD / off);
  }
  const r = evaluate(gold, pred, data.themes);
  const worst = Object.entries(r.perTheme).sort((a, b) => a[1].f1 - b[1].f1)[0]!;
  console.log(`${hname}: macro ${r.macroF1.toFixed(3)} micro ${r.themesMicro.f1.toFixed(3)} (P ${r.themesMicro.precision.toFixed(3)} R ${r.themesMicro.recall.toFixed(3)}) regions ${r.regions.f1.toFixed(3)} (P ${r.regions.precision.toFixed(3)} R ${r.regions.recall.toFixed(3)} nocand ${nocand}/${ngold}) off ${(offU / off).toFixed(3)} worst ${worst[0]} ${worst[1].f1.toFixed(3)}`);
  sums.macro += r.macroF1; sums.reg += r.regions.f1; sums.off += offU / off; sums.n++;
}
console.log(`mean: macro ${(sums.macro / sums.n).toFixed(3)} regions ${(sums.reg / sums.n).toFixed(3)} off ${(sums.off / sums.n).toFixed(3)}`);
for (const d of Object.keys(sumsD)) console.log(`delta ${d}: mean macro ${(sumsD[+d]!.reduce((a, b) => a + b, 0) / sumsD[+d]!.length).toFixed(3)} off ${(offsD[+d]!.reduce((a, b) => a + b, 0) / offsD[+d]!.length).toFixed(3)}`);
