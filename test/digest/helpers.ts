// Builders for items in digest, cluster and scheduler tests, and a temporary SQLite archive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import type { FeedSource, StoredItem, TaggedItem, Target, ThemeId } from '../../src/model.ts';

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

// ---- a real SQLite archive in a temporary directory, with a settable clock ----------------

export interface TestArchive {
  path: string;
  clock: { now: Date };
  open(): Store;
  cleanup(): void;
}

export function tempArchive(start: string): TestArchive {
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-digest-'));
  const clock = { now: new Date(start) };
  const path = join(dir, 'archive.db');
  return {
    path,
    clock,
    open: () => openSqliteStore(path, { now: () => clock.now }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function feed(id: string, name = id.toUpperCase()): FeedSource {
  return {
    id,
    name,
    url: `https://${id}.example/feed.xml`,
    kind: 'rights',
    language: 'en',
    origin: 'operator',
  };
}

let guidSeq = 0;
export function tagged(over: Partial<TaggedItem> & { title: string }): TaggedItem {
  guidSeq++;
  return {
    guid: over.guid ?? `g-${guidSeq}`,
    title: over.title,
    url: over.url === undefined ? `https://news.example/${guidSeq}` : over.url,
    author: null,
    summary: over.summary ?? '',
    published: over.published ?? '2026-11-25T10:00:00.000Z',
    publishedEstimated: false,
    lang: over.lang ?? 'en',
    themes: over.themes ?? [],
    regions: over.regions ?? [],
    why: over.why ?? {},
  };
}

export const CONSOLE: Target = {
  platform: 'console',
  channelId: 'terminal',
  workspaceId: '',
  kind: 'channel',
};
