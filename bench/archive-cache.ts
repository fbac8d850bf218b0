// A synthetic archive built once and kept: search-bench's corpus (en/ru/zh, 200 feeds, five
// years) of `n` items in a SQLite file under bench/.cache/ (git-ignored), reused by later
// runs. Building 1M items takes minutes; reading it back takes none.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaggedItem } from '../src/model.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { BENCH_FEEDS, benchItem, mulberry32 } from './search-bench.ts';

export const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));

/** The archive's path; built (into a temporary name, then renamed) when missing. */
export async function cachedArchive(n: number, log: (line: string) => void): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `archive-${n}.db`);
  if (existsSync(path)) {
    // A file left by an older schema is migrated when opened; the items stay.
    const store = openSqliteStore(path);
    const count = await store.countItems();
    await store.close();
    if (count === n) return path;
    log(`cache ${path} holds ${count} items, not ${n}: rebuilding`);
    rmSync(path, { force: true });
  }
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  const store = openSqliteStore(building);
  await store.upsertFeeds(BENCH_FEEDS);
  // The same seed and order as search-bench, so both describe the same archive.
  const rand = mulberry32(20240601);
  const started = Date.now();
  for (let i = 0; i < n; i += 500) {
    const feed = BENCH_FEEDS[Math.floor(rand() * BENCH_FEEDS.length)]!;
    const items: TaggedItem[] = [];
    for (let k = i; k < Math.min(n, i + 500); k++) items.push(benchItem(rand, k, n, feed));
    await store.addItems(feed.id, items, { alertable: () => false });
    if ((i / 500) % 200 === 0)
      log(`building ${path}: ${i + items.length} items (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await store.close();
  renameSync(building, path);
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  return path;
}
