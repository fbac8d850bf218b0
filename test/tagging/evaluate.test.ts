import { describe, expect, it } from 'vitest';
import { evaluate, formatReport, prf } from '../../src/tagging/evaluate.ts';

describe('prf', () => {
  it.each([
    { tp: 3, fp: 1, fn: 2, p: 0.75, r: 0.6, f1: (2 * 0.75 * 0.6) / 1.35 },
    { tp: 0, fp: 0, fn: 0, p: 1, r: 1, f1: 1 },
    { tp: 0, fp: 2, fn: 0, p: 0, r: 0, f1: 0 },
    { tp: 0, fp: 0, fn: 3, p: 0, r: 0, f1: 0 },
    { tp: 5, fp: 0, fn: 0, p: 1, r: 1, f1: 1 },
  ])('tp=$tp fp=$fp fn=$fn gives P=$p R=$r', ({ tp, fp, fn, p, r, f1 }) => {
    const m = prf(tp, fp, fn);
    expect(m.precision).toBeCloseTo(p, 10);
    expect(m.recall).toBeCloseTo(r, 10);
    expect(m.f1).toBeCloseTo(f1, 10);
  });
});

describe('evaluate', () => {
  const gold = [
    { id: 'a', themes: ['censorship', 'shutdowns'], regions: ['RU'] },
    { id: 'b', themes: ['privacy'], regions: ['EU', 'US'] },
    { id: 'c', themes: [], regions: [] },
  ];

  it('counts per-theme true/false positives and negatives', () => {
    const pred = [
      { id: 'a', themes: ['censorship'], regions: ['RU'] },
      { id: 'b', themes: ['privacy', 'censorship'], regions: ['EU'] },
      { id: 'c', themes: [], regions: ['CN'] },
    ];
    const r = evaluate(gold, pred, ['censorship', 'shutdowns', 'privacy']);
    expect(r.perTheme.censorship).toMatchObject({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(r.perTheme.shutdowns).toMatchObject({ tp: 0, fp: 0, fn: 1, f1: 0 });
    expect(r.perTheme.privacy).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0 + 1) / 3, 10);
    expect(r.themesMicro).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    // Regions are micro-averaged over labels: RU, EU right; CN extra; US missed.
    expect(r.regions).toMatchObject({ tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3 });
    expect(r.items).toBe(3);
  });

  it('treats an item without a prediction as predicting nothing', () => {
    const r = evaluate(gold, [], ['censorship']);
    expect(r.perTheme.censorship).toMatchObject({ tp: 0, fp: 0, fn: 1 });
    expect(r.regions).toMatchObject({ tp: 0, fp: 0, fn: 3 });
  });

  it('averages macro-F1 over every theme given, including never-seen ones', () => {
    const r = evaluate(
      [{ id: 'x', themes: ['privacy'], regions: [] }],
      [{ id: 'x', themes: ['privacy'], regions: [] }],
      ['privacy', 'standards'],
    );
    // standards has no gold and no prediction: a perfect 1, not a missing value.
    expect(r.macroF1).toBe(1);
  });

  it('formats a table with every theme and the summary lines', () => {
    const r = evaluate(gold, gold, ['censorship', 'privacy']);
    const text = formatReport(r);
    expect(text).toMatch(/^censorship\s+1\.000\s+1\.000\s+1\.000/m);
    expect(text).toMatch(/macro-F1 \(themes\): 1\.000/);
    expect(text).toMatch(/regions \(micro\):\s+P 1\.000\s+R 1\.000\s+F1 1\.000/);
  });
});
