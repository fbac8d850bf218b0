// The learned region layer: candidates keep the rules' own decision (so the rules-only tagger
// is unchanged), the features line up with their names, training is deterministic, the cut is
// the best F1 counting regions no candidate proposed, and the shipped model explains itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import type { ThemeId } from '../../src/model.ts';
import { loadModel } from '../../src/tagging/learned.ts';
import {
  chooseRegionCut,
  contextBucket,
  contextBuckets,
  denseContext,
  emptyEvidence,
  regionFeatureNames,
  regionFeatures,
  regionLogit,
  trainRegionWeights,
} from '../../src/tagging/region-model.ts';
import type { RegionEvidence, RegionSample } from '../../src/tagging/region-model.ts';
import { loadTagger } from '../../src/tagging/tagger.ts';
import { ruleTagger, trainingFiles } from '../../src/tagging/training.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rulesOnly = loadTagger(`${root}feeds/themes.yaml`, undefined, { model: false });
const full = loadTagger(`${root}feeds/themes.yaml`);
const candidates = ruleTagger(root);

function evidence(over: Partial<RegionEvidence> = {}): RegionEvidence {
  return { ...emptyEvidence(0), ...over };
}

describe('region candidates', () => {
  it("keep the rules' decision: on every labelled item the candidates marked `rule` are the rules-only regions", () => {
    let items = 0;
    let beyond = 0;
    for (const f of trainingFiles(root)) {
      for (const line of readFileSync(`${root}${f}`, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { title: string; summary: string; lang?: string };
        const input = { title: r.title, summary: r.summary, lang: r.lang ?? null };
        const tags = rulesOnly.tag(input);
        const cands = candidates.regionCandidatesOf(input, tags.themes);
        const codes = cands.filter((e) => e.rule).map((e) => e.region);
        expect(codes.length, `${f}: ${r.title}`).toBe(tags.regions.length);
        beyond += cands.length - codes.length;
        items++;
      }
    }
    expect(items).toBeGreaterThan(3000);
    // The model sees more than the rules keep (bare capitals, provinces in off-topic items, …).
    expect(beyond).toBeGreaterThan(100);
  });

  it('record how a region was named: a bare capital at the start of the title, a venue, a name', () => {
    const [tunis] = candidates.regionCandidatesOf(
      { title: 'Tunis: blogger jailed for two years over Facebook posts', summary: '', lang: 'en' },
      ['free-expression'],
    );
    expect(tunis).toMatchObject({ rule: false, metonymBare: 1, metonymAtTitleStart: 1, names: 0 });
    const venue = candidates.regionCandidatesOf(
      { title: 'ICANN meeting in Dublin discusses the next gTLD round', summary: '', lang: 'en' },
      ['internet-governance'],
    );
    expect(venue.map((e) => [e.metonymBare, e.metonymAtTitleStart])).toEqual([[1, 0]]);
    expect(venue[0]!.context).toContain(contextBucket('bare<', 'in'));
    const named = candidates.regionCandidatesOf(
      { title: 'Kenya orders internet shutdown', summary: 'Kenya restored access on Friday.', lang: 'en' },
      ['shutdowns'],
    );
    expect(named).toMatchObject([{ rule: true, names: 2, namesInTitle: 1, first: true }]);
  });
});

describe('region features and training', () => {
  it('give one value per named feature, bias last', () => {
    const names = regionFeatureNames(THEME_IDS);
    const x = regionFeatures(
      evidence({ rule: true, names: 1 }),
      [evidence()],
      ['privacy'],
      THEME_IDS,
      'de',
      false,
    );
    expect(x.length).toBe(names.length);
    expect(names.at(-1)).toBe('bias');
    expect(x[names.indexOf('rule')]).toBe(1);
    expect(x[names.indexOf('theme:privacy')]).toBe(1);
    expect(x[names.indexOf('theme:censorship')]).toBe(0);
    expect(x[names.indexOf('lang:de')]).toBe(1);
    expect(x[names.indexOf('has-theme')]).toBe(1);
    expect(x.at(-1)).toBe(1);
  });

  it('context buckets are distinct and ascending', () => {
    const b = contextBucket('name<', 'in');
    expect([...contextBuckets(evidence({ context: [b, 7, b, 3] }))]).toEqual(
      [...new Set([3, 7, b])].sort((p, q) => p - q),
    );
  });

  it('training is deterministic and separates a separable toy set', () => {
    const samples: RegionSample[] = [];
    for (let i = 0; i < 200; i++) {
      const y = i % 2 === 0 ? 1 : 0;
      samples.push({
        x: Float64Array.from([y, 1 - y, 1]),
        h: Int32Array.from([i % 5]),
        y: y as 0 | 1,
        key: `k${i}`,
      });
    }
    const a = trainRegionWeights(samples);
    const b = trainRegionWeights(samples);
    expect(a.weights).toEqual(b.weights);
    expect([...a.context]).toEqual([...b.context]);
    expect(a.weights[0]!).toBeGreaterThan(1);
    expect(a.weights[1]!).toBeLessThan(-1);
  });

  it('chooses the cut with the best F1, counting gold regions no candidate proposed', () => {
    // Scores 3, 2, 1, 0 with labels 1, 0, 0, 1. Nothing missed: keeping the top one gives
    // F1 2·1/(1+2) and keeping all 2·2/(4+2), a tie, so the higher cut stays. With 4 gold regions
    // no candidate proposed, keeping all (2·2/(4+6) = 0.4) beats the top one (2/7).
    const plain = chooseRegionCut([3, 2, 1, 0], [1, 0, 0, 1], 0);
    expect(plain.cut).toBe(2.5);
    expect(plain.f1).toBeCloseTo(2 / 3, 10);
    const withMissed = chooseRegionCut([3, 2, 1, 0], [1, 0, 0, 1], 4);
    expect(withMissed.cut).toBeLessThan(0);
    expect(withMissed.f1).toBeCloseTo(0.4, 10);
  });
});

describe('shipped region model', () => {
  const model = loadModel(`${root}feeds`)!;

  it('has one weight per feature and a cut', () => {
    const rm = model.meta.regions!;
    expect(rm.features).toEqual(regionFeatureNames(THEME_IDS));
    expect(rm.weights.length).toBe(rm.features.length);
    expect(Number.isFinite(rm.threshold)).toBe(true);
    expect(rm.context.every(([b]) => b >= 0 && b < 1 << rm.contextBits)).toBe(true);
  });

  it('names its probability in the explanation, next to the words that named the region', () => {
    const t = full.tag({
      title: 'Roskomnadzor blocks another VPN service',
      summary: 'The regulator said the service ignored its demands to connect to the blocklist.',
      lang: 'en',
    });
    expect(t.regions).toEqual(['RU']);
    expect(t.why.RU![0]).toMatch(/roskomnadzor/i);
    expect(t.why.RU!.at(-1)).toMatch(/^model [01]\.\d\d$/);
  });

  it('reads a capital as the subject of a dateline but not as the venue of a global meeting', () => {
    const dateline = {
      // No law or body that names Tunisia (Decree-Law 54 now does, in the gazetteer): only the capital.
      title: 'Tunis: blogger jailed for two years over Facebook posts',
      summary: 'The court convicted him of spreading false news for satirical posts about a minister.',
      lang: 'en',
    };
    const subject = full.tag(dateline);
    expect(subject.themes.length).toBeGreaterThan(0);
    expect(subject.regions).toContain('TN');
    // The rules alone take a capital only in a metonym context ("Tunis says").
    expect(rulesOnly.tag(dateline).regions).not.toContain('TN');
    const venue = full.tag({
      title: 'ICANN84 in Dublin: community debates the next round of new gTLDs',
      summary: 'The meeting discussed applicant support and registration data requests.',
      lang: 'en',
    });
    expect(venue.regions).toEqual([]);
  });

  it('trusts a country name less in an item the theme model finds off-topic', () => {
    // The same candidate, scored as the tagger does, with the gate's probability low and high.
    const rm = model.meta.regions!;
    const ctx = denseContext(rm);
    const input = {
      title: 'Storm knocks out power to 300,000 homes and shuts rail lines across Scotland',
      summary: 'Wind gusts of up to 90mph brought down trees onto overhead lines.',
      lang: 'en',
    };
    const logit = (themes: ThemeId[], onTopic: number): number => {
      const cands = candidates.regionCandidatesOf(input, themes, onTopic);
      expect(cands.map((e) => e.rule)).toEqual([true]);
      const x = regionFeatures(cands[0]!, cands, themes, THEME_IDS, 'en', false);
      return regionLogit(rm, ctx, x, contextBuckets(cands[0]!));
    };
    expect(full.tag(input).themes).toEqual([]);
    expect(logit([], 0.02)).toBeLessThan(logit(['infrastructure'], 0.98));
  });
});
