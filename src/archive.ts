// Opening the archive the way every command needs it: the configured store, with the
// operator's sources file applied (new entries added, edited ones updated). A feed that is
// in the archive but no longer in the file is NOT dropped here: dropping deletes its
// archived items, so that takes an explicit `govwatch feeds remove <id>`; until then it is
// reported, and still polled.
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { silentLogger } from './log.ts';
import type { FeedSource } from './model.ts';
import { loadSources } from './sources/load.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';

/** Apply the sources file; returns the ids of operator feeds the file no longer lists. */
export async function syncSources(store: Store, sources: FeedSource[]): Promise<string[]> {
  await store.upsertFeeds(sources);
  const wanted = new Set(sources.map((s) => s.id));
  return (await store.listFeeds())
    .filter((f) => f.origin === 'operator' && !wanted.has(f.id))
    .map((f) => f.id);
}

export async function openArchive(
  config: Config,
  opts: { logger?: Logger; sync?: boolean } = {},
): Promise<{ store: Store; sources: FeedSource[] }> {
  // Read the sources first: a broken file is reported before anything is opened.
  const sources = opts.sync === false ? [] : loadSources(config.sourcesPath);
  const store = await openStore(config, opts.logger ?? silentLogger());
  try {
    if (opts.sync !== false) {
      const orphans = await syncSources(store, sources);
      if (orphans.length) {
        (opts.logger ?? silentLogger()).warn(
          { feed_ids: orphans },
          'feeds in the archive are missing from the sources file',
        );
        process.stderr.write(
          `govwatch: ${orphans.length} feed(s) in the archive are not in ${config.sourcesPath}: ${orphans.join(', ')}.\n` +
            `  They are still polled; \`govwatch feeds remove <id>\` drops one with its archived items.\n`,
        );
      }
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return { store, sources };
}
