// Opening the archive the way every command needs it: the configured store, with the
// operator's sources file applied (new entries added, edited ones updated, removed ones
// dropped; feeds added from chat are left alone).
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { silentLogger } from './log.ts';
import type { FeedSource } from './model.ts';
import { loadSources } from './sources/load.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';

export async function syncSources(store: Store, sources: FeedSource[]): Promise<void> {
  await store.upsertFeeds(sources);
  const wanted = new Set(sources.map((s) => s.id));
  for (const feed of await store.listFeeds()) {
    if (feed.origin === 'operator' && !wanted.has(feed.id)) await store.removeFeed(feed.id);
  }
}

export async function openArchive(
  config: Config,
  opts: { logger?: Logger; sync?: boolean } = {},
): Promise<{ store: Store; sources: FeedSource[] }> {
  // Read the sources first: a broken file is reported before anything is opened.
  const sources = opts.sync === false ? [] : loadSources(config.sourcesPath);
  const store = await openStore(config, opts.logger ?? silentLogger());
  try {
    if (opts.sync !== false) await syncSources(store, sources);
  } catch (err) {
    await store.close();
    throw err;
  }
  return { store, sources };
}
