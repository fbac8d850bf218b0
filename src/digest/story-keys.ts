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

const MAX_TITLE_WORDS = 8;
const MAX_ANCHORS = 8;
const MINHASH_BANDS = 14;
const MINHASH_ROWS = 2;

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

function smallestByHash(values: Iterable<string>, max: number): string[] {
  return [...values]
    .map((v) => ({ v, h: fnv1a(v, 0x2545f491) }))
    .sort((a, b) => a.h - b.h || (a.v < b.v ? -1 : 1))
    .slice(0, max)
    .map((x) => x.v)
    .sort();
}

function pairKeys(prefix: string, values: string[], out: Set<number>): void {
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++)
      out.add(hash53(`${prefix}\u0000${values[i]}\u0000${values[j]}`));
  }
}

/** The index keys of one item's features (deduplicated). */
export function storyKeys(f: StoryFeatures): number[] {
  const out = new Set<number>();
  const title = smallestByHash(f.titleWords, MAX_TITLE_WORDS);
  pairKeys('t', title, out);
  if (f.titleWords.size <= 2) for (const w of f.titleWords) out.add(hash53(`t1\u0000${w}`));
  pairKeys('a', smallestByHash(f.anchors, MAX_ANCHORS), out);
  if (f.words.size > 0) {
    const hashes = [...f.words].map((w) => fnv1a(w, 0x5bd1e995));
    for (let band = 0; band < MINHASH_BANDS; band++) {
      let key = `m${band}`;
      for (let row = 0; row < MINHASH_ROWS; row++) {
        const seed = band * MINHASH_ROWS + row + 1;
        let min = 0xffffffff;
        for (const h of hashes) {
          const v = mix32(h, seed);
          if (v < min) min = v;
        }
        key += `:${min}`;
      }
      out.add(hash53(key));
    }
  }
  return [...out];
}
