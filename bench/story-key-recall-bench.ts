// How much of what clustering would match the story index finds (`npm run bench --
// story-key-recall`). The poller compares a new item only with the items that share one of
// its index keys (src/digest/story-keys.ts); a scan compared it with every recent item. Over
// every pair of the labelled texts (cluster pairs, tagging fixtures except the blind batches,
// and near-copies with a third of their words swapped, as the poll benchmark makes them), this
// counts the pairs compareStories calls one story and the share of them that share a key:
// the index's recall against the scan, per key shape, with the keys per item (each costs an
// index write and a lookup per poll) and the candidate pairs (each costs a comparison).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareStories } from '../src/digest/cluster.ts';
import { storyFeatures, type StoryFeatures } from '../src/digest/story-features.ts';
import { STORY_KEY_SHAPE, storyKeys, type StoryKeyShape } from '../src/digest/story-keys.ts';
import type { StoredItem } from '../src/model.ts';
import { THEMES_FILE } from '../src/paths.ts';
import { loadTagger } from '../src/tagging/tagger.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

interface Text {
  title: string;
  summary: string;
  lang: string;
}

const fixtures = (dir: string) => fileURLToPath(new URL(`../test/fixtures/${dir}/`, import.meta.url));

function jsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function texts(): Text[] {
  const pairs: Text[] = [];
  for (const name of ['pairs.jsonl', 'heldout.jsonl', 'heldout2.jsonl']) {
    for (const p of jsonl(fixtures('clusters') + name)) pairs.push(p.a as Text, p.b as Text);
  }
  const tagging: Text[] = [];
  for (const name of readdirSync(fixtures('tagging')).sort()) {
    if (!name.endsWith('.jsonl') || name.startsWith('blind')) continue;
    for (const r of jsonl(fixtures('tagging') + name)) {
      tagging.push({
        title: String(r.title),
        summary: String(r.summary ?? ''),
        lang: String(r.lang ?? 'en'),
      });
    }
  }
  // Near-copies of the cluster texts: a third of the words replaced (deterministic).
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const swap = (s: string) =>
    s
      .split(' ')
      .map((w) => (rand() < 1 / 3 ? `zq${Math.floor(rand() * 50_000).toString(36)}` : w))
      .join(' ');
  const copies = Array.from({ length: 600 }, (_, i) => {
    const t = pairs[i % pairs.length]!;
    return { title: swap(t.title), summary: swap(t.summary), lang: t.lang };
  });
  return [...pairs, ...tagging, ...copies];
}

function features(all: Text[]): StoryFeatures[] {
  const tagger = loadTagger(THEMES_FILE);
  const at = '2026-12-01T00:00:00.000Z';
  return all.map((t, i) => {
    const tags = tagger.tag({ title: t.title, summary: t.summary, lang: t.lang });
    const item: StoredItem = {
      id: i + 1,
      feedId: `feed-${i}`,
      sourceName: `Feed ${i}`,
      guid: `g${i}`,
      title: t.title,
      url: null,
      author: null,
      summary: t.summary,
      published: at,
      publishedEstimated: false,
      firstSeen: at,
      lang: t.lang,
      themes: tags.themes,
      regions: tags.regions,
      clusterId: null,
    } as StoredItem;
    return storyFeatures(item);
  });
}

const oneLanguage = (a: StoryFeatures, b: StoryFeatures) => a.script === b.script && a.lang === b.lang;

function measureShape(feats: StoryFeatures[], same: Array<[number, number]>, shape: StoryKeyShape): string {
  const keys = feats.map((f) => new Set(storyKeys(f, shape)));
  const hits = same.filter(([i, j]) => [...keys[i]!].some((k) => keys[j]!.has(k)));
  const found = hits.length;
  const foundOne = hits.filter(([i, j]) => oneLanguage(feats[i]!, feats[j]!)).length;
  const one = same.filter(([i, j]) => oneLanguage(feats[i]!, feats[j]!)).length;
  const postings = new Map<number, number[]>();
  keys.forEach((ks, i) =>
    ks.forEach((k) => {
      const list = postings.get(k);
      if (list) list.push(i);
      else postings.set(k, [i]);
    }),
  );
  let candidates = 0;
  keys.forEach((ks, i) => {
    const seen = new Set<number>();
    for (const k of ks) for (const j of postings.get(k)!) if (j > i) seen.add(j);
    candidates += seen.size;
  });
  const perItem = keys.reduce((n, k) => n + k.size, 0) / keys.length;
  const s = shape;
  return (
    `title words ${s.titleWords}, anchors ${s.anchors}${s.anchorSingles ? ' (+singles)' : ''}, minhash ${s.minhashBands}×${s.minhashRows}: ` +
    `recall ${(found / same.length).toFixed(3)} (${same.length - found} of ${same.length} missed; ` +
    `one language ${(foundOne / one).toFixed(3)}, across languages ${((found - foundOne) / (same.length - one)).toFixed(3)}), ` +
    `${perItem.toFixed(1)} keys per item, ${candidates} candidate pairs`
  );
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const feats = features(texts());
  const same: Array<[number, number]> = [];
  for (let i = 0; i < feats.length; i++) {
    for (let j = i + 1; j < feats.length; j++) {
      if (!compareStories(feats[i]!, feats[j]!).same) continue;
      same.push([i, j]);
    }
  }
  const shapes: StoryKeyShape[] = [
    STORY_KEY_SHAPE,
    ...(opts.quick
      ? []
      : [
          { ...STORY_KEY_SHAPE, minhashBands: 10 },
          { ...STORY_KEY_SHAPE, titleWords: 8 },
          { ...STORY_KEY_SHAPE, anchors: 6 },
          { ...STORY_KEY_SHAPE, minhashBands: 10, minhashRows: 1 },
          { ...STORY_KEY_SHAPE, anchorSingles: true },
          { ...STORY_KEY_SHAPE, anchorSingles: true, minhashBands: 10 },
        ]),
  ];
  return {
    name: 'story-key-recall',
    lines: [
      `${feats.length} texts; ${same.length} pairs compareStories calls one story (${same.filter(([i, j]) => oneLanguage(feats[i]!, feats[j]!)).length} in one language)`,
      ...shapes.map((s, i) => (i === 0 ? 'shipped: ' : 'instead: ') + measureShape(feats, same, s)),
    ],
  };
}

runWhenMain(import.meta.url, run);
