// Applying the sources file never deletes archive history by itself: a feed dropped from
// the file stays (and is reported) until `govwatch feeds remove` says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncSources } from '../../src/archive.ts';
import type { FeedSource } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';

const source = (id: string, origin: FeedSource['origin'] = 'operator'): FeedSource => ({
  id,
  name: id,
  url: `https://${id}.example/feed.xml`,
  kind: 'rights',
  language: 'en',
  origin,
});

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('syncSources', () => {
  it('adds and updates the listed feeds and reports, but keeps, operator feeds the file dropped', async () => {
    dir = mkdtempSync(join(tmpdir(), 'govwatch-sync-'));
    const store = await openStore({ dbPath: join(dir, 'a.db'), databaseUrl: undefined });
    try {
      expect(await syncSources(store, [source('alpha'), source('beta')])).toEqual([]);
      await store.upsertFeeds([source('from-chat', 'chat')]);
      const orphans = await syncSources(store, [{ ...source('alpha'), name: 'Alpha renamed' }]);
      expect(orphans).toEqual(['beta']);
      const ids = (await store.listFeeds()).map((f) => f.id).sort();
      expect(ids).toEqual(['alpha', 'beta', 'from-chat']);
      expect((await store.getFeed('alpha'))?.name).toBe('Alpha renamed');
    } finally {
      await store.close();
    }
  });
});
