// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-39: measured once each, then retired into training (docs/tagging.md).
// - blind-40 (202 items), blind-41 (195), blind-42 (197), blind-43 (195), blind-44 (207) and
//   blind-45 (192), written 2026-12-07 by six helpers who read the taxonomy and the whole
//   reference set, before the changes they measure (blind-30..39 in training, the ninth
//   gazetteer batch, vetoes that kept clubs, railways and weather services from their country
//   dropped); 45–46 off-topic items each (38–44 with a region), 65–73 headline-only. Measured
//   once with the tagger of that round (rules alone in brackets; the previous tagger, 3261f1e,
//   same hour, after the arrow's left side):
//   blind-40: themes 0.915 → 0.928 (0.748), regions 0.922 → 0.950 (P 0.977, R 0.925; 0.912),
//     off-topic 0.978 → 0.978 (0.733), lowest theme 0.833 → 0.840 (surveillance).
//   blind-41: themes 0.912 → 0.929 (0.798), regions 0.949 → 0.968 (0.944), off-topic 0.978 →
//     0.978 (0.889), lowest 0.833 → 0.788 (cybersecurity).
//   blind-42: themes 0.902 → 0.920 (0.790), regions 0.950 → 0.959 (0.928), off-topic 0.911 →
//     0.933 (0.667), lowest 0.714 → 0.786 (platforms).
//   blind-43: themes 0.920 → 0.934 (0.784), regions 0.936 → 0.948 (0.911), off-topic 1.000 →
//     1.000 (0.867), lowest 0.741 → 0.780 (platforms).
//   blind-44: themes 0.874 → 0.884 (0.754), regions 0.962 → 0.971 (0.943), off-topic 1.000 →
//     1.000 (0.848), lowest 0.788 → 0.727 (privacy).
//   blind-45: themes 0.902 → 0.918 (0.784), regions 0.926 → 0.927 (0.908), off-topic 0.978 →
//     1.000 (0.783), lowest 0.718 → 0.769 (platforms).
//   All four targets of issue 10 met on blind-40..43; blind-44 misses the lowest theme, blind-45
//   regions by 0.003.
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
  { file: 'blind-40.jsonl', macro: 0.91, theme: 0.75, regions: 0.935, offTopic: 0.93 },
  { file: 'blind-41.jsonl', macro: 0.91, theme: 0.7, regions: 0.95, offTopic: 0.93 },
  { file: 'blind-42.jsonl', macro: 0.9, theme: 0.7, regions: 0.94, offTopic: 0.88 },
  { file: 'blind-43.jsonl', macro: 0.915, theme: 0.69, regions: 0.93, offTopic: 0.95 },
  { file: 'blind-44.jsonl', macro: 0.865, theme: 0.64, regions: 0.955, offTopic: 0.95 },
  { file: 'blind-45.jsonl', macro: 0.9, theme: 0.68, regions: 0.91, offTopic: 0.95 },
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
