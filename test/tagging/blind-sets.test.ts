// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-17: measured once each, then retired into training (docs/tagging.md).
// - blind-18 (206 items, 45 off-topic, 66 headline-only, half NGO and standards-body style,
//   half newsroom) and blind-19 (201 items, 41 off-topic, 65 headline-only, weighted to
//   cybersecurity, cybercrime, privacy and geopolitics), written 2026-12-06 under the corrected
//   brief (regions on off-topic items by the taxonomy's rule) before the changes they measure
//   (blind-16/17 in training, the regions of 408 off-topic training items relabelled by that
//   rule); measured once with the tagger of 04c35dd:
//   blind-18: themes macro-F1 0.866 (rules alone 0.806), regions F1 0.919 (P 0.900, R 0.938;
//     rules alone 0.898), off-topic untagged 1.000 (rules alone 0.933), lowest theme F1 0.765
//     (geopolitics).
//   blind-19: themes macro-F1 0.879 (rules alone 0.777), regions F1 0.912 (P 0.887, R 0.938;
//     rules alone 0.899), off-topic untagged 0.976 (rules alone 0.854), lowest theme F1 0.667
//     (platforms).
// - blind-20 (198 items, 50 off-topic, 18 of them with a region, 63 headline-only, in the
//   style of the reference items) and blind-21 (201 items, 45 off-topic, 19 with a region, 63
//   headline-only, 159 of them in ru, zh, ar, es, fr, de), written 2026-12-06 under the same
//   brief after the tagger of 04c35dd was frozen and shipped (a87962f tags identically); measured
//   once with it:
//   blind-20: themes macro-F1 0.894 (rules alone 0.820), regions F1 0.921 (P 0.926, R 0.916;
//     rules alone 0.912), off-topic untagged 0.980 (rules alone 0.840), lowest theme F1 0.727
//     (cybersecurity).
//   blind-21: themes macro-F1 0.919 (rules alone 0.813), regions F1 0.940 (P 0.947, R 0.933;
//     rules alone 0.909), off-topic untagged 1.000 (rules alone 0.778), lowest theme F1 0.786
//     (geopolitics): the first blind batch on which all four targets of issue 10 are met.
// Floors are the measurements minus a small margin (about two items).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import { evaluate } from '../../src/tagging/evaluate.ts';
import type { LabelledItem } from '../../src/tagging/evaluate.ts';
import { loadSourceThemes } from '../../src/tagging/sources.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Row = LabelledItem & { source?: string; lang?: string; title: string; summary: string };

const BATCHES: Array<{
  file: string;
  macro: number;
  theme: number;
  regions: number;
  offTopic: number;
  minRows?: number;
}> = [
  { file: 'blind-18.jsonl', macro: 0.845, theme: 0.68, regions: 0.9, offTopic: 0.95 },
  { file: 'blind-19.jsonl', macro: 0.855, theme: 0.58, regions: 0.89, offTopic: 0.93 },
  { file: 'blind-20.jsonl', macro: 0.87, theme: 0.64, regions: 0.9, offTopic: 0.94 },
  { file: 'blind-21.jsonl', macro: 0.895, theme: 0.7, regions: 0.92, offTopic: 0.95 },
];

const tagger = loadTagger(`${root}feeds/themes.yaml`);
const priors = loadSourceThemes(`${root}feeds/sources.yaml`);

describe.each(BATCHES)('blind batch $file (rules + learned model, as shipped)', (floors) => {
  const rows = readFileSync(`${root}test/fixtures/tagging/${floors.file}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  const tags = rows.map((r) =>
    tagger.tag({
      title: r.title,
      summary: r.summary,
      lang: r.lang ?? null,
      sourceThemes: r.source ? priors.get(r.source.toLowerCase()) : undefined,
    }),
  );
  const report = evaluate(
    rows,
    rows.map((r, i) => ({ id: r.id, themes: tags[i]!.themes, regions: tags[i]!.regions })),
    THEME_IDS,
  );

  it(`keeps themes macro-F1 ≥ ${floors.macro} and every theme ≥ ${floors.theme}`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(floors.minRows ?? 150);
    expect(report.macroF1).toBeGreaterThanOrEqual(floors.macro);
    for (const id of THEME_IDS) expect(report.perTheme[id]!.f1, id).toBeGreaterThanOrEqual(floors.theme);
  });

  it(`keeps regions F1 ≥ ${floors.regions}`, () => {
    expect(report.regions.f1).toBeGreaterThanOrEqual(floors.regions);
  });

  it(`leaves ≥ ${floors.offTopic * 100}% of off-topic items untagged`, () => {
    const off = rows.map((r, i) => [r, tags[i]!] as const).filter(([r]) => r.themes.length === 0);
    expect(off.length).toBeGreaterThan(20);
    const untagged = off.filter(([, t]) => t.themes.length === 0).length / off.length;
    expect(untagged).toBeGreaterThanOrEqual(floors.offTopic);
  });
});
