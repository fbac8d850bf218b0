// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-11: measured once each, then retired into training (docs/tagging.md).
// - blind-12 (197 items, 46 off-topic, 75 headline-only) and blind-13 (189 items, 43 off-topic,
//   leaning to Europe, North America, East Asia and the post-Soviet states), written 2026-12-06
//   before the retirement of blind-10/11 and the fourth gazetteer batch; measured once with the
//   tagger of 6f8ba1c:
//   blind-12: themes macro-F1 0.863 (rules alone 0.753), regions F1 0.954 (P 0.963, R 0.946;
//     rules alone 0.915), off-topic untagged 0.935 (rules alone 0.826), lowest theme F1 0.727
//     (cybersecurity).
//   blind-13: themes macro-F1 0.880 (rules alone 0.804), regions F1 0.928 (P 0.942, R 0.915;
//     rules alone 0.837), off-topic untagged 0.977 (rules alone 0.884), lowest theme F1 0.714
//     (geopolitics).
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
  { file: 'blind-12.jsonl', macro: 0.84, theme: 0.65, regions: 0.93, offTopic: 0.89 },
  { file: 'blind-13.jsonl', macro: 0.86, theme: 0.64, regions: 0.91, offTopic: 0.93 },
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
