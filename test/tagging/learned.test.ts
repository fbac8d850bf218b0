// The learned layer: the shipped model is current (trained from the files as they are now),
// training is deterministic, thresholds are chosen as documented, and tags from the model
// explain themselves.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_IDS } from '../../src/model.ts';
import {
  chooseThresholds,
  DEFAULT_SETTINGS,
  loadModel,
  MODEL_BIN,
  MODEL_JSON,
  encodeWeights,
  runtimeWeights,
  scoreInto,
  scoreRuntime,
  train,
} from '../../src/tagging/learned.ts';
import {
  FeatureBuf,
  HASH_SIZE,
  REGION_FEATURE_NAMES,
  REGION_FEATURES,
  RULE_FEATURES_PER_THEME,
} from '../../src/tagging/features.ts';
import { buildDataset, inputHash, trainingFiles } from '../../src/tagging/training.ts';
import { createTagger, loadRules, loadTagger } from '../../src/tagging/tagger.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const feeds = `${root}feeds`;

describe('shipped model', () => {
  const model = loadModel(feeds)!;

  it('was trained from the current labelled files, rules, gazetteer and sources (else: npm run train:tags)', () => {
    expect(model, 'feeds/tag-model.json and .bin are shipped').not.toBeNull();
    expect(model.meta.inputHash).toBe(inputHash(root));
    expect(model.meta.trainedOn.files).toEqual(trainingFiles(root));
  });

  it('never trains on a blind batch', () => {
    expect(model.meta.trainedOn.files.some((f) => /(^|\/)blind-/.test(f))).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'gw-train-'));
    try {
      // trainingFiles reads the folder: a blind-*.jsonl there is left out.
      const sub = join(dir, 'test/fixtures/tagging');
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, 'a.jsonl'), '');
      writeFileSync(join(sub, 'blind-9.jsonl'), '');
      expect(trainingFiles(dir)).toEqual(['test/fixtures/tagging/a.jsonl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a threshold per theme, confident never below tagged, and a few MB at most', () => {
    expect(model.meta.themes).toEqual([...THEME_IDS]);
    model.meta.themes.forEach((_, t) =>
      expect(model.meta.confident[t]!).toBeGreaterThanOrEqual(model.meta.threshold[t]!),
    );
    expect(readFileSync(`${feeds}/${MODEL_BIN}`).length).toBeLessThan(4_000_000);
  });

  const tagger = loadTagger(`${feeds}/themes.yaml`);

  it('tags with explanations naming the model and its strongest features; confident ⊆ themes', () => {
    const t = tagger.tag({
      title: 'Authorities block messaging app and VPN services after protests',
      summary:
        'The telecom regulator ordered providers to restrict access to the app and to several VPN services.',
    });
    expect(t.themes).toContain('censorship');
    expect(t.confident).toBeDefined();
    for (const c of t.confident!) expect(t.themes).toContain(c);
    const note = t.why.censorship!.find((n) => n.startsWith('model '));
    expect(note).toMatch(/^model [01]\.\d\d: \S/);
    expect(note!.split(': ')[1]!.split(', ').length).toBeGreaterThanOrEqual(1);
  });

  it('never names the bias as a feature (it once showed as the title’s first word)', () => {
    // The bias is not something the item has. When it was named, it showed as the title's first
    // word in nearly every note; a made-up first word may still be named now and then, when its
    // hashed bucket shares weight with another feature, but not in most notes.
    const stories = [
      'hackers hit hospital systems with ransomware',
      "regulator fines app over children's data",
      'blogger jailed over posts criticising the government',
      'authorities block VPN services after protests',
      'Washington adds chipmakers to entity list',
      'election deepfakes flood social media',
    ];
    const made = ['qzxv', 'vbrk', 'jwuq', 'xhdp', 'kqzt', 'zvmw'];
    let notes = 0;
    let naming = 0;
    stories.forEach((story, i) => {
      const word = made[i]!;
      const t = tagger.tag({ title: `${word}: ${story}`, summary: '' });
      for (const n of Object.values(t.why).flat()) {
        if (!n.startsWith('model ')) continue;
        notes++;
        if (n.includes(word)) naming++;
      }
    });
    expect(notes).toBeGreaterThanOrEqual(stories.length);
    expect(naming / notes).toBeLessThan(0.5);
  });

  it('feeds the theme model which states an item names, how many, and whether a power is among others', () => {
    const withFeatures = createTagger(loadRules(`${feeds}/themes.yaml`), model);
    const themes = THEME_IDS.length;
    const r0 = HASH_SIZE + themes * RULE_FEATURES_PER_THEME;
    const regionFeatures = (title: string): string[] => {
      const buf = new FeatureBuf();
      withFeatures.featuresOf({ title, summary: '' }, buf);
      const on: string[] = [];
      for (let k = 0; k < buf.n; k++) {
        const j = buf.idx[k]! - r0;
        if (j >= 0 && j < REGION_FEATURES) on.push(REGION_FEATURE_NAMES[j]!);
      }
      return on.sort();
    };
    expect(
      regionFeatures('Washington adds Chinese chipmakers to entity list; Tokyo weighs similar curbs'),
    ).toEqual(['names:CN', 'names:US', 'power+other', 'regions:2+', 'regions:3+'].sort());
    expect(regionFeatures('Kenya and Uganda agree on cross-border fibre')).toEqual(['regions:2+']);
    expect(regionFeatures('Kremlin tightens rules for bloggers')).toEqual(['names:RU']);
    expect(regionFeatures('New RFC on DNS privacy published')).toEqual([]);
  });

  it('tags a title wrapped in chat markup and links as it tags the bare title', () => {
    // A hostile feed's "@everyone <@&123> **…** [label](https://…)" must not dilute the
    // evidence. The words are the bare title's (a link keeps its label, which is text).
    const bare = tagger.tag({ title: 'internet shutdown ordered', summary: 'Just in.' });
    const wrapped = tagger.tag({
      title: '@everyone <@&123> <!channel> **internet shutdown** [ordered](https://evil.example)',
      summary: 'Just in.',
    });
    expect(bare.confident).toContain('shutdowns');
    expect(wrapped.themes).toEqual(bare.themes);
    expect(wrapped.confident).toEqual(bare.confident);
  });

  it('the rules-only tagger has no confident mark', () => {
    const rulesOnly = loadTagger(`${feeds}/themes.yaml`, undefined, { model: false });
    expect(rulesOnly.tag({ title: 'Authorities block VPN services', summary: '' }).confident).toBeUndefined();
  });

  it('refuses weights of the wrong size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-model-'));
    try {
      writeFileSync(join(dir, MODEL_JSON), readFileSync(`${feeds}/${MODEL_JSON}`));
      writeFileSync(join(dir, MODEL_BIN), Buffer.alloc(10));
      expect(() => loadModel(dir)).toThrow(/expected .*npm run train:tags/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('training', () => {
  const data = buildDataset(root, [
    'test/fixtures/tagging/fresh-2.jsonl',
    'test/fixtures/tagging/fresh-3.jsonl',
  ]);
  const settings = { ...DEFAULT_SETTINGS, epochs: 3 };

  it('is deterministic: the same items give the same weights, bit for bit', () => {
    const a = train(data.items, THEME_IDS.length, settings);
    const b = train(data.items, THEME_IDS.length, settings);
    expect(encodeWeights(a.weights, a.scale).equals(encodeWeights(b.weights, b.scale))).toBe(true);
    expect(a.scale).toEqual(b.scale);
    const c = train(data.items, THEME_IDS.length, { ...settings, seed: settings.seed + 1 });
    expect(encodeWeights(a.weights, a.scale).equals(encodeWeights(c.weights, c.scale))).toBe(false);
  });

  it('learns its training items', () => {
    const { weights } = train(data.items, THEME_IDS.length, { ...settings, epochs: 8 });
    let right = 0;
    let total = 0;
    for (const it of data.items) {
      const z = new Float64Array(THEME_IDS.length);
      for (let k = 0; k < it.idx.length; k++)
        for (let t = 0; t < THEME_IDS.length; t++)
          z[t] = z[t]! + weights[it.idx[k]! * THEME_IDS.length + t]! * it.val[k]!;
      for (let t = 0; t < THEME_IDS.length; t++) {
        total++;
        if (z[t]! > 0 === (it.labels[t] === 1)) right++;
      }
    }
    expect(right / total).toBeGreaterThan(0.97);
  });
});

describe('chooseThresholds', () => {
  // One theme; scores with labels: best F1 cuts between 0.5 and 0.2; precision 1 needs ≥ 0.8.
  const scores = [0.9, 0.8, 0.6, 0.5, 0.2, 0.1].map((z) => Float64Array.of(z));
  const labels = [1, 1, 0, 1, 0, 0].map((y) => Uint8Array.of(y));

  it('cuts at the best F1, midway between neighbouring scores', () => {
    const th = chooseThresholds(scores, labels, 1, 0.95);
    expect(th.threshold[0]).toBeCloseTo(0.35);
    expect(th.f1[0]).toBeCloseTo(6 / 7);
  });

  it('puts the confident cut at the lowest score reaching the precision target', () => {
    const th = chooseThresholds(scores, labels, 1, 0.95);
    expect(th.confident[0]).toBeCloseTo(0.7);
    expect(th.precisionAtConfident[0]).toBe(1);
    // A target nothing reaches falls back to the tagging threshold.
    const none = chooseThresholds(
      [Float64Array.of(1), Float64Array.of(0)],
      [Uint8Array.of(0), Uint8Array.of(1)],
      1,
      0.95,
    );
    expect(none.confident[0]).toBe(none.threshold[0]);
  });
});

describe('scoring at tag time', () => {
  const model = loadModel(feeds)!;
  const O = model.meta.themes.length + 1;
  const rw = runtimeWeights(model.weights, model.meta.scale);
  const data = buildDataset(root, ['test/fixtures/tagging/fresh-4.jsonl']);

  // The shipped weights are float32 (int8 × scale rounded): equal up to float32 rounding.
  it('gives the logits of the shipped weights (packed int8 sums = float sums)', () => {
    const a = new Float64Array(O);
    const b = new Float64Array(O);
    for (const it of data.items.slice(0, 40)) {
      const buf = Object.assign(new FeatureBuf(it.idx.length), { n: it.idx.length });
      buf.idx.set(it.idx);
      buf.val.set(it.val);
      buf.hashed = it.idx.findIndex((i) => i >= HASH_SIZE);
      scoreInto(model.weights, O, buf, a);
      scoreRuntime(rw, buf, b);
      for (let t = 0; t < O; t++)
        expect(Math.abs(b[t]! - a[t]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(a[t]!)));
    }
  });

  it('stays exact past 256 features (the packed lanes are flushed before they carry)', () => {
    // 700 copies of the bucket with the largest weights: every lane sums 700 bytes near 255 or 0.
    let bucket = 0;
    let most = -1;
    for (let f = 0; f < HASH_SIZE; f++) {
      const m = Math.abs(model.weights[f * O]!);
      if (m > most) [most, bucket] = [m, f];
    }
    const buf = new FeatureBuf(1024);
    for (let k = 0; k < 700; k++) buf.pushDense(bucket, 1 / Math.sqrt(700));
    buf.hashed = 700;
    const a = new Float64Array(O);
    const b = new Float64Array(O);
    scoreInto(model.weights, O, buf, a);
    scoreRuntime(rw, buf, b);
    for (let t = 0; t < O; t++)
      expect(Math.abs(b[t]! - a[t]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(a[t]!)));
    expect(Math.abs(a[0]!)).toBeGreaterThan(1);
  });
});
