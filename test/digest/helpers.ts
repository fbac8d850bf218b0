// Builders for StoredItem objects in digest and cluster tests.
import type { StoredItem, ThemeId } from '../../src/model.ts';

let nextId = 1;

export function makeItem(over: Partial<StoredItem> & { title: string }): StoredItem {
  const id = over.id ?? nextId++;
  const published = over.published ?? '2026-11-20T10:00:00.000Z';
  return {
    id,
    guid: over.guid ?? `guid-${id}`,
    title: over.title,
    url: over.url === undefined ? `https://example.org/${id}` : over.url,
    author: over.author ?? null,
    summary: over.summary ?? '',
    published,
    publishedEstimated: over.publishedEstimated ?? false,
    lang: over.lang ?? 'en',
    themes: over.themes ?? ([] as ThemeId[]),
    regions: over.regions ?? [],
    why: over.why ?? {},
    feedId: over.feedId ?? 'feed',
    sourceName: over.sourceName ?? (over.feedId ?? 'feed').toUpperCase(),
    firstSeen: over.firstSeen ?? published,
    alertable: over.alertable ?? true,
    clusterId: over.clusterId ?? null,
  };
}

export interface LabelledPair {
  id: string;
  kind: string;
  same: boolean;
  note: string;
  a: PairItem;
  b: PairItem;
}

export interface PairItem {
  feedId: string;
  sourceName: string;
  lang: string;
  title: string;
  summary: string;
  url: string | null;
  published: string;
}
