// Opening the archive the way each command needs it.
//
// The operator's sources file is the truth for operator feeds, and only the commands that
// poll (`poll`, `start`) apply it: its feeds are added or updated, operator feeds it no
// longer lists are paused (never deleted: their items stay searchable; `govwatch feeds
// remove <id>` deletes one), and feeds it lists again resume. A run with the wrong
// `--sources` therefore cannot keep its feeds: the next run with the right file pauses them.
// Every other command reads the archive as it is, and a reading command creates nothing.
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { FeedSource } from './model.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';

/** What applying the sources file changed, by feed id. */
export interface SourcesSync {
  /** New in the archive. */
  added: string[];
  /** Operator feeds the file no longer lists, paused now. */
  paused: string[];
  /** Listed again after being paused for leaving the file. */
  resumed: string[];
}

/** Apply the sources file to the archive (see the top of this file). */
export async function syncSources(
  store: Store,
  sources: FeedSource[],
  now = new Date(),
): Promise<SourcesSync> {
  const before = new Map((await store.listFeeds()).map((f) => [f.id, f]));
  await store.upsertFeeds(sources);
  const listed = new Set(sources.map((s) => s.id));
  const sync: SourcesSync = { added: [], paused: [], resumed: [] };
  for (const s of sources) {
    const old = before.get(s.id);
    if (!old) sync.added.push(s.id);
    else if (old.paused?.by === 'sources-file') {
      await store.setFeedPaused(s.id, null);
      sync.resumed.push(s.id);
    }
  }
  for (const f of before.values()) {
    if (f.origin !== 'operator' || listed.has(f.id) || f.paused) continue;
    await store.setFeedPaused(f.id, { at: now.toISOString(), by: 'sources-file' });
    sync.paused.push(f.id);
  }
  return sync;
}

/** Lines telling the operator what a sync paused or resumed (nothing when neither). */
export function describeSync(sync: SourcesSync, sourcesPath: string): string[] {
  const lines: string[] = [];
  if (sync.paused.length) {
    lines.push(
      `${sync.paused.length} feed(s) are no longer in ${sourcesPath} and are paused, their items kept: ${sync.paused.join(', ')}` +
        ' (list them in the file again to resume; `govwatch feeds remove <id>` deletes one with its items)',
    );
  }
  if (sync.resumed.length) {
    lines.push(
      `${sync.resumed.length} feed(s) are back in ${sourcesPath} and resume: ${sync.resumed.join(', ')}`,
    );
  }
  return lines;
}

/** For the commands that poll: the archive (created if needed) with the sources file applied. */
export async function openArchive(
  config: Config,
  logger?: Logger,
): Promise<{ store: Store; sync: SourcesSync }> {
  // Read the sources first: a broken file is reported before anything is opened. (Loaded
  // here, not at the top, so the reading commands never load the YAML and schema code.)
  const { loadSources } = await import('./sources/load.ts');
  const sources = loadSources(config.sourcesPath);
  const store = await openStore(config, logger);
  try {
    return { store, sync: await syncSources(store, sources) };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * For commands that only read (search, digest, feeds list …): the archive as it is. A
 * missing SQLite archive is an error naming its path; nothing is created.
 */
export async function openArchiveForReading(config: Config): Promise<Store> {
  return openStore(config, undefined, { create: false });
}
