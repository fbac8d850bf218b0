// Pair precision and recall of story clustering on the labelled pairs in
// test/fixtures/clusters/pairs.jsonl (same story / different story, incl. hard negatives and
// cross-language reports). Prints the figures; fails below the floors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assignClusters } from '../../src/digest/cluster.ts';
import { makeItem, type LabelledPair, type PairItem } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/clusters/pairs.jsonl', import.meta.url));
const pairs: LabelledPair[] = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as LabelledPair);

function toItem(p: PairItem, id: number) {
  return makeItem({ id, ...p });
}

function predictSame(pair: LabelledPair): boolean {
  const a = toItem(pair.a, 1);
  const b = toItem(pair.b, 2);
  const out = assignClusters([b], [a]);
  return out.find((x) => x.itemId === 2)?.clusterId === 1;
}

describe('story clustering quality on labelled pairs', () => {
  const results = pairs.map((p) => ({ pair: p, predicted: predictSame(p) }));
  const tp = results.filter((r) => r.pair.same && r.predicted).length;
  const fp = results.filter((r) => !r.pair.same && r.predicted).length;
  const fn = results.filter((r) => r.pair.same && !r.predicted).length;
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);

  it('has enough labelled pairs of each kind', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    expect(pairs.filter((p) => p.kind === 'hard-negative').length).toBeGreaterThanOrEqual(15);
    expect(pairs.filter((p) => p.kind === 'cross-language').length).toBeGreaterThanOrEqual(8);
  });

  it('reaches the precision and recall floors', () => {
    const byKind = new Map<string, { n: number; right: number }>();
    for (const r of results) {
      const k = byKind.get(r.pair.kind) ?? { n: 0, right: 0 };
      k.n++;
      if (r.predicted === r.pair.same) k.right++;
      byKind.set(r.pair.kind, k);
    }
    const lines = [
      `cluster pairs: n=${pairs.length} tp=${tp} fp=${fp} fn=${fn} precision=${precision.toFixed(3)} recall=${recall.toFixed(3)}`,
      ...[...byKind].map(([kind, k]) => `  ${kind}: ${k.right}/${k.n} right`),
      ...results
        .filter((r) => r.predicted !== r.pair.same)
        .map((r) => `  wrong: ${r.pair.id} (${r.pair.kind}, labelled ${r.pair.same ? 'same' : 'different'})`),
    ];
    console.log(lines.join('\n'));
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });
});
