// Index keys of a story (locality-sensitive): two reports that compareStories may call the
// same story share at least one key with high probability, while unrelated items rarely do,
// so candidates are found by looking keys up in the archive's index instead of scanning the
// recent items. Keys are 53-bit integers (hashes), compact in both adapters' indexes.
// - pairs of title words: every same-language rule but "summaries alike" needs two shared
//   title words (a title of one or two words also gets one key per word);
// - pairs of anchors (names, numbers): cross-language reports share two of them;
// - MinHash bands over all content words: the "summaries alike" rule (Jaccard ≥ 0.3).
// Words and anchors are capped (the ones with the smallest hashes, so both reports of a
// story pick from the same order), which bounds the keys per item.
import type { StoryFeatures } from './story-features.ts';

/** How many keys an item gets; bench/story-key-recall.ts measures what each setting finds. */
export interface StoryKeyShape {
  titleWords: number;
  anchors: number;
  minhashBands: number;
  minhashRows: number;
  /** Also one key per anchor (not only pairs of them). */
  anchorSingles?: boolean;
}

export const STORY_KEY_SHAPE: StoryKeyShape = {
  titleWords: 10,
  anchors: 8,
  minhashBands: 10,
  minhashRows: 2,
  anchorSingles: true,
};

function fnv1a(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 53-bit hash: exact in a JS number, a SQLite INTEGER and a PostgreSQL bigint. */
export function hash53(s: string): number {
  return (fnv1a(s, 0x811c9dc5) & 0x1fffff) * 0x1_0000_0000 + fnv1a(s, 0x9747b28c);
}

function mix32(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Hashed {
  /** Two independent 32-bit hashes of the value. */
  a: number;
  b: number;
}

function hashed(v: string): Hashed {
  return { a: fnv1a(v, 0x811c9dc5), b: fnv1a(v, 0x9747b28c) };
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * The (at most) `max` values with the smallest hashes. CJK bigrams come last: in a Chinese
 * title the Latin words are the names that a report in another language shares.
 */
function smallestByHash(values: Iterable<string>, max: number): Hashed[] {
  const all = [...values].map((v) => ({ ...hashed(v), late: CJK.test(v) ? 1 : 0 }));
  all.sort((x, y) => x.late - y.late || x.a - y.a || x.b - y.b);
  return all.slice(0, max);
}

/** A 53-bit key of one or two hashed values under a family tag (order of the two ignored). */
function combine(tag: number, x: Hashed, y: Hashed | null): number {
  const [p, q] = y === null || x.a < y.a || (x.a === y.a && x.b <= y.b) ? [x, y] : [y, x];
  const hi = mix32(p.a ^ mix32(q ? q.a : 0, tag), tag + 1) & 0x1fffff;
  const lo = mix32(p.b ^ mix32(q ? q.b : 0, tag + 2), tag + 3);
  return hi * 0x1_0000_0000 + lo;
}

const TAG_TITLE_PAIR = 0x1000;
const TAG_TITLE_WORD = 0x2000;
const TAG_ANCHOR_PAIR = 0x3000;
const TAG_MINHASH = 0x4000;
const TAG_ANCHOR = 0x5000;

function pairKeys(tag: number, values: Hashed[], out: Set<number>): void {
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) out.add(combine(tag, values[i]!, values[j]!));
  }
}

/** The index keys of one item's features (deduplicated). */
export function storyKeys(f: StoryFeatures, shape: StoryKeyShape = STORY_KEY_SHAPE): number[] {
  const out = new Set<number>();
  const title = smallestByHash(f.titleWords, shape.titleWords);
  pairKeys(TAG_TITLE_PAIR, title, out);
  if (f.titleWords.size <= 2) for (const w of title) out.add(combine(TAG_TITLE_WORD, w, null));
  const anchors = smallestByHash(f.anchors, shape.anchors);
  pairKeys(TAG_ANCHOR_PAIR, anchors, out);
  if (shape.anchorSingles) for (const a of anchors) out.add(combine(TAG_ANCHOR, a, null));
  if (f.words.size > 0) {
    const hashes = [...f.words].map((w) => fnv1a(w, 0x5bd1e995));
    for (let band = 0; band < shape.minhashBands; band++) {
      const mins: Hashed = { a: 0, b: 0 };
      for (let row = 0; row < shape.minhashRows; row++) {
        const seed = Math.imul(band * shape.minhashRows + row + 1, 0x9e3779b1);
        let min = 0xffffffff;
        for (const h of hashes) {
          const v = mix32(h, seed);
          if (v < min) min = v;
        }
        if (row === 0) mins.a = min;
        else mins.b = (mins.b ^ min) >>> 0;
      }
      out.add(combine(TAG_MINHASH + band, mins, null));
    }
  }
  return [...out];
}
