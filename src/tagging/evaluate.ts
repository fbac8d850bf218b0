// Precision/recall/F1 for multi-label tagging: per theme, macro over themes, micro over all
// theme labels, and micro over region labels. Pure functions so they are unit-tested.

export interface LabelledItem {
  id: string;
  themes: string[];
  regions: string[];
}

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalReport {
  perTheme: Record<string, Prf>;
  /** Mean F1 over the themes evaluated. */
  macroF1: number;
  themesMicro: Prf;
  regions: Prf;
  items: number;
}

export function prf(tp: number, fp: number, fn: number): Prf {
  // With nothing predicted and nothing expected a label is perfectly handled.
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Compares predictions with gold labels, matched by id. `themeIds` fixes the themes the macro
 * average runs over (all taxonomy themes), so a theme never predicted still counts.
 */
export function evaluate(
  gold: LabelledItem[],
  predicted: LabelledItem[],
  themeIds: readonly string[],
): EvalReport {
  const byId = new Map(predicted.map((p) => [p.id, p]));
  const counts = new Map<string, { tp: number; fp: number; fn: number }>(
    themeIds.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]),
  );
  const region = { tp: 0, fp: 0, fn: 0 };
  for (const g of gold) {
    const p = byId.get(g.id) ?? { id: g.id, themes: [], regions: [] };
    for (const t of themeIds) {
      const c = counts.get(t)!;
      const inGold = g.themes.includes(t);
      const inPred = p.themes.includes(t);
      if (inGold && inPred) c.tp++;
      else if (inPred) c.fp++;
      else if (inGold) c.fn++;
    }
    const gr = new Set(g.regions);
    const pr = new Set(p.regions);
    for (const r of pr) {
      if (gr.has(r)) region.tp++;
      else region.fp++;
    }
    for (const r of gr) if (!pr.has(r)) region.fn++;
  }
  const perTheme: Record<string, Prf> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [t, c] of counts) {
    perTheme[t] = prf(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  const f1s = Object.values(perTheme).map((x) => x.f1);
  const macroF1 = f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length;
  return {
    perTheme,
    macroF1,
    themesMicro: prf(tp, fp, fn),
    regions: prf(region.tp, region.fp, region.fn),
    items: gold.length,
  };
}

function pct(x: number): string {
  return x.toFixed(3);
}

/** A fixed-width table for the terminal. */
export function formatReport(r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`items: ${r.items}`);
  lines.push(`${'theme'.padEnd(22)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   tp  fp  fn`);
  for (const [t, m] of Object.entries(r.perTheme)) {
    lines.push(
      `${t.padEnd(22)} ${pct(m.precision).padStart(6)} ${pct(m.recall).padStart(6)} ${pct(m.f1).padStart(6)} ${String(m.tp).padStart(4)}${String(m.fp).padStart(4)}${String(m.fn).padStart(4)}`,
    );
  }
  lines.push(`macro-F1 (themes): ${pct(r.macroF1)}`);
  const mi = r.themesMicro;
  lines.push(`micro (themes):    P ${pct(mi.precision)}  R ${pct(mi.recall)}  F1 ${pct(mi.f1)}`);
  const re = r.regions;
  lines.push(
    `regions (micro):   P ${pct(re.precision)}  R ${pct(re.recall)}  F1 ${pct(re.f1)}  (tp ${re.tp} fp ${re.fp} fn ${re.fn})`,
  );
  return lines.join('\n');
}
