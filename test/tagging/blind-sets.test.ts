// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-9: measured once each, then retired into training (docs/tagging.md).
// - blind-10 (204 items, 44 off-topic, 53 headline-only) and blind-11 (193 items, 43 off-topic,
//   leaning to Africa, Latin America, South and Southeast Asia and the Middle East), written
//   2026-12-06 before the gate change, the retirement of blind-8/9, i10k-c/d and the third
//   gazetteer batch; measured once with the tagger of 0c542e7:
//   blind-10: themes macro-F1 0.862 (rules alone 0.786), regions F1 0.927 (P 0.912, R 0.943;
//     rules alone 0.865), off-topic untagged 0.977 (rules alone 0.795), lowest theme F1 0.714
//     (cybersecurity).
//   blind-11: themes macro-F1 0.882 (rules alone 0.811), regions F1 0.871 (P 0.880, R 0.863;
//     rules alone 0.831), off-topic untagged 1.000 (rules alone 0.930), lowest theme F1 0.800
//     (cybersecurity, encryption).
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
  { file: 'blind-10.jsonl', macro: 0.84, theme: 0.64, regions: 0.91, offTopic: 0.93 },
  { file: 'blind-11.jsonl', macro: 0.86, theme: 0.73, regions: 0.85, offTopic: 0.95 },
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
