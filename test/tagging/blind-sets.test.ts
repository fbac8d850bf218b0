// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-45: measured once each, then retired into training (docs/tagging.md).
// - blind-46 (204 items), blind-47 (196), blind-48 (206) and blind-49 (199), written 2026-12-07
//   by four helpers who read the taxonomy and the whole reference set, after the round-four
//   tagger (ac37a62) had landed and before the round-five changes (blind-40..45 in training,
//   the tenth gazetteer batch, domestic cues for Russian and Chinese); 44–45 off-topic items
//   each (37–43 with a region), 61–69 headline-only. Measured once with both taggers in the
//   same hour (round four → round five, the shipped one; rules alone in brackets):
//   blind-46: themes 0.920 → 0.922 (0.784), regions 0.944 → 0.951 (P 0.974, R 0.929; 0.936),
//     off-topic 0.977 → 0.977 (0.864), lowest theme 0.789 → 0.786 (cybersecurity).
//   blind-47: themes 0.944 → 0.947 (0.817), regions 0.931 → 0.941 (0.902), off-topic 1.000 →
//     0.978 (0.822), lowest 0.903 → 0.857 (free-expression).
//   blind-48: themes 0.928 → 0.930 (0.780), regions 0.956 → 0.963 (0.944), off-topic 1.000 →
//     1.000 (0.822), lowest 0.833 → 0.848 (geopolitics).
//   blind-49: themes 0.888 → 0.894 (0.784), regions 0.941 → 0.941 (0.925), off-topic 1.000 →
//     1.000 (0.889), lowest 0.750 → 0.783 (platforms).
//   All four targets of issue 10 met on all four batches, by both taggers.
// - blind-50 and blind-51 (195 items each), written 2026-12-07 (fourth session) by two helpers
//   who read the taxonomy and the whole reference set, while that session changed only the
//   tagger's speed (tags identical); 45 and 46 off-topic items (37 and 30 with a region), 64
//   and 65 headline-only; blind-50 leans to platforms, privacy, cybersecurity and regions
//   implied by institutions, blind-51 to standards bodies and multilateral processes and to
//   shutdowns and censorship in Africa, Latin America and Central Asia. Measured once with the
//   shipped tagger (round five; rules alone in brackets):
//   blind-50: themes 0.942 (0.816), regions 0.938 (P 0.989, R 0.892; 0.924), off-topic 0.978
//     (0.844), lowest theme 0.833 (platforms).
//   blind-51: themes 0.916 (0.768), regions 0.936 (P 0.928, R 0.944; 0.906), off-topic 0.978
//     (0.913), lowest 0.786 (privacy).
//   All four targets met on both.
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
  { file: 'blind-46.jsonl', macro: 0.9, theme: 0.7, regions: 0.935, offTopic: 0.93 },
  { file: 'blind-47.jsonl', macro: 0.925, theme: 0.77, regions: 0.925, offTopic: 0.93 },
  { file: 'blind-48.jsonl', macro: 0.91, theme: 0.76, regions: 0.945, offTopic: 0.95 },
  { file: 'blind-49.jsonl', macro: 0.875, theme: 0.69, regions: 0.925, offTopic: 0.95 },
  { file: 'blind-50.jsonl', macro: 0.92, theme: 0.76, regions: 0.925, offTopic: 0.93 },
  { file: 'blind-51.jsonl', macro: 0.895, theme: 0.72, regions: 0.92, offTopic: 0.93 },
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
