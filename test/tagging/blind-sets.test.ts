// Floors on the blind batches: each written by a helper who did not look at the tagger, never
// trained or tuned on, and measured once with the shipped tagger. A measured batch is later
// retired into training (renamed retired-blind-N.jsonl, its figures kept in docs/tagging.md,
// its floor removed here) and a new batch takes its place.
// - blind-1 to blind-29: measured once each, then retired into training (docs/tagging.md).
// - blind-30 (197 items) and blind-31 (195), written 2026-12-07 by two helpers who read the
//   taxonomy and the whole reference set, 45 off-topic items each (35 and 36 with a region),
//   63 and 64 headline-only; blind-30 leans to rights groups, research labs and regulators in
//   Africa, South Asia and Latin America, blind-31 to standards bodies, EU and national
//   institutions and wire copy; written before the changes they measure (blind-26..29 in
//   training, the eighth gazetteer batch); measured once with the tagger of fa59515 (rules
//   alone in brackets):
//   blind-30: themes macro-F1 0.876 (0.783), regions F1 0.944 (P 0.936, R 0.953; 0.938),
//     off-topic untagged 1.000 (0.822), lowest theme 0.720 (cybersecurity).
//   blind-31: themes 0.894 (0.801), regions 0.924 (P 0.933, R 0.915; 0.900), off-topic 0.956
//     (0.867), lowest theme 0.727 (platforms).
// - blind-32 (200 items; whole reference read) and blind-33 (195; first 40 reference items,
//   newsroom and wire copy, 78 headline-only), 45 off-topic items each (37 and 36 with a
//   region), written 2026-12-07 after the tagger of fa59515 had landed: two more one-time
//   measurements of it (rules alone in brackets):
//   blind-32: themes macro-F1 0.937 (0.797), regions F1 0.923 (P 0.947, R 0.900; 0.896),
//     off-topic untagged 1.000 (0.911), lowest theme 0.792 (platforms).
//   blind-33: themes 0.914 (0.860), regions 0.961 (P 0.985, R 0.938; 0.956), off-topic 1.000
//     (0.933), lowest theme 0.733 (platforms).
// - blind-34 (192 items) and blind-35 (198), written 2026-12-07 by two helpers who read the
//   whole reference set, after the tagger of fa59515 had landed and before the venue items
//   (i10p-venues) were written; 45 and 44 off-topic items (28 and 39 with a region), 73 and 63
//   headline-only; blind-34 includes event and meeting announcements, blind-35 leans to
//   national newsrooms about the Americas, Africa and Asia. Measured once with fa59515 and
//   once with the tagger of 3261f1e (the venue items trained on), same hour:
//   blind-34: themes macro-F1 0.921 → 0.923 (rules alone 0.776), regions F1 0.947 → 0.949
//     (P 0.954, R 0.944; 0.927), off-topic untagged 1.000 → 1.000 (0.889), lowest theme 0.815
//     → 0.769 (cybersecurity): all four targets of issue 10 met by both.
//   blind-35: themes 0.925 → 0.928 (0.815), regions 0.928 → 0.928 (P 0.960, R 0.898; 0.923),
//     off-topic 0.955 → 0.977 (0.886), lowest theme 0.788 → 0.750 (free-expression).
// - blind-36 (197 items), blind-37 (197), blind-38 (202) and blind-39 (193), written 2026-12-07
//   after the tagger of 3261f1e had landed, by four helpers who read the taxonomy and the whole
//   reference set; 45, 45, 45 and 44 off-topic items (41, 41, 40 and 38 with a region);
//   measured once with 3261f1e (rules alone in brackets):
//   blind-36: themes 0.875 (0.733), regions 0.907 (P 0.944, R 0.873; 0.823), off-topic 1.000
//     (0.822), lowest theme 0.727 (cybersecurity).
//   blind-37: themes 0.881 (0.757), regions 0.943 (0.924), off-topic 0.978 (0.867), lowest
//     0.688 (platforms).
//   blind-38: themes 0.922 (0.806), regions 0.944 (P 0.990, R 0.902; 0.910), off-topic 0.978
//     (0.756), lowest 0.750 (cybersecurity): all four targets met.
//   blind-39: themes 0.932 (0.854), regions 0.916 (0.885), off-topic 0.977 (0.864), lowest
//     0.759 (platforms).
// Blind-30..33 were measured a second time with 3261f1e (not trained on): themes 0.894 / 0.896
// / 0.932 / 0.914, regions 0.944 / 0.913 / 0.923 / 0.963; the floors above still hold.
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
  { file: 'blind-30.jsonl', macro: 0.855, theme: 0.62, regions: 0.925, offTopic: 0.95 },
  { file: 'blind-31.jsonl', macro: 0.875, theme: 0.62, regions: 0.905, offTopic: 0.91 },
  { file: 'blind-32.jsonl', macro: 0.915, theme: 0.69, regions: 0.905, offTopic: 0.95 },
  { file: 'blind-33.jsonl', macro: 0.895, theme: 0.63, regions: 0.945, offTopic: 0.95 },
  { file: 'blind-34.jsonl', macro: 0.9, theme: 0.68, regions: 0.93, offTopic: 0.95 },
  { file: 'blind-35.jsonl', macro: 0.905, theme: 0.66, regions: 0.91, offTopic: 0.93 },
  { file: 'blind-36.jsonl', macro: 0.855, theme: 0.63, regions: 0.89, offTopic: 0.95 },
  { file: 'blind-37.jsonl', macro: 0.86, theme: 0.59, regions: 0.925, offTopic: 0.93 },
  { file: 'blind-38.jsonl', macro: 0.9, theme: 0.65, regions: 0.925, offTopic: 0.93 },
  { file: 'blind-39.jsonl', macro: 0.91, theme: 0.66, regions: 0.895, offTopic: 0.93 },
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
