// Stable item ids within one feed. Per item: guid, else canonical link, else a hash of
// title and date. Per feed, as FreshRSS does: when more than a few guids are missing or
// repeated, guids are not trusted for the whole feed and links are used; when links are
// no better, hashes. A feed never climbs back to a better mode than it was given, so ids
// stay stable across polls.
import { createHash } from 'node:crypto';

export type IdMode = 'guid' | 'link' | 'hash';

/** How many missing or repeated values a feed may have before that id source is dropped. */
export const MAX_BAD_IDS = 2;

export interface IdCandidate {
  guid: string | null;
  /** Canonical URL, or null. */
  link: string | null;
  title: string;
  /** The date as written in the feed (not the normalized one, which may be "now"). */
  rawDate: string | null;
}

const RANK: Record<IdMode, number> = { guid: 0, link: 1, hash: 2 };

export function hashId(title: string, rawDate: string | null): string {
  return `sha1:${createHash('sha1')
    .update(`${title}\n${rawDate ?? ''}`)
    .digest('hex')}`;
}

function countBad(values: (string | null)[]): number {
  const seen = new Set<string>();
  let bad = 0;
  for (const v of values) {
    if (!v || seen.has(v)) bad++;
    else seen.add(v);
  }
  return bad;
}

export function chooseIdMode(items: IdCandidate[], floor: IdMode = 'guid'): IdMode {
  if (!items.length) return floor;
  // Usable: at most a few missing or repeated, and not missing from every item.
  const usable = (values: (string | null)[]): boolean => {
    const bad = countBad(values);
    return bad <= MAX_BAD_IDS && bad < values.length;
  };
  let mode: IdMode = 'hash';
  if (usable(items.map((i) => i.guid))) mode = 'guid';
  else if (usable(items.map((i) => i.link))) mode = 'link';
  return RANK[mode] >= RANK[floor] ? mode : floor;
}

/** One id per item (same order), and the mode used. */
export function assignIds(items: IdCandidate[], floor: IdMode = 'guid'): { ids: string[]; mode: IdMode } {
  const mode = chooseIdMode(items, floor);
  const used = new Set<string>();
  const ids = items.map((item) => {
    const order: (string | null)[] =
      mode === 'guid' ? [item.guid, item.link] : mode === 'link' ? [item.link] : [];
    // A missing or repeated value falls through to the next source, ending at the hash.
    const id = order.find((v): v is string => !!v && !used.has(v)) ?? hashId(item.title, item.rawDate);
    used.add(id);
    return id;
  });
  return { ids, mode };
}
