// `govwatch feeds …`: the operator's sources file is the truth for trusted feeds; the
// archive holds their polling state and the feeds added from chat. Only `poll` and `start`
// apply the file to the archive (src/archive.ts): these commands edit the file, or change
// one feed's pause, and `list`/`export` change nothing at all.
import { readFileSync, writeFileSync } from 'node:fs';
import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { discoveryNote, freeId, probeFeed } from '../ingest/probe.ts';
import { UserError, emptyFeedState } from '../model.ts';
import type { FeedRecord, FeedSource, SourceKind } from '../model.ts';
import { loadSources } from '../sources/load.ts';
import { exportOpml, importOpmlBytes } from '../sources/opml.ts';
import { SOURCE_KINDS, urlKey } from '../sources/schema.ts';
import { feedHealth, feedStatus } from '../sources/status.ts';
import { writeSourcesYaml } from '../sources/write.ts';
import type { Store } from '../store/types.ts';
import { out, printJson } from './output.ts';

function saveSources(config: Config, sources: FeedSource[]): void {
  const previous = readFileSync(config.sourcesPath, 'utf8');
  writeFileSync(config.sourcesPath, writeSourcesYaml(sources, previous));
}

/** Run `fn` on the archive if there is one (`null` otherwise); nothing is created. */
async function withArchiveIfAny<T>(config: Config, fn: (store: Store | null) => Promise<T>): Promise<T> {
  let store: Store;
  try {
    store = await openArchiveForReading(config);
  } catch (err) {
    if (err instanceof UserError && err.code === 'no-archive') return fn(null);
    throw err;
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** What `feeds list` shows of a feed: the archive's record, and how the sources file sees it. */
export interface FeedView extends FeedRecord {
  inSourcesFile: boolean;
  /**
   * active, failing, paused; `pending`: in the file, not yet in the archive (the next poll
   * adds it); `leaving`: an operator feed the file no longer lists (the next poll pauses it).
   */
  status: 'active' | 'failing' | 'paused' | 'pending' | 'leaving';
}

/** The archive's feeds and the file's, as the next poll will see them. Reads only. */
export function feedViews(archived: FeedRecord[], sources: FeedSource[]): FeedView[] {
  const listed = new Set(sources.map((s) => s.id));
  const views: FeedView[] = archived.map((f) => ({
    ...f,
    inSourcesFile: listed.has(f.id),
    status: f.origin === 'operator' && !listed.has(f.id) && !f.paused ? 'leaving' : feedStatus(f),
  }));
  const known = new Set(archived.map((f) => f.id));
  for (const s of sources) {
    if (known.has(s.id)) continue;
    views.push({
      ...s,
      state: emptyFeedState(),
      itemCount: 0,
      paused: null,
      inSourcesFile: true,
      status: 'pending',
    });
  }
  return views.sort((a, b) => a.id.localeCompare(b.id));
}

export async function feedsList(config: Config, opts: { json?: boolean }): Promise<void> {
  const sources = loadSources(config.sourcesPath);
  const views = await withArchiveIfAny(config, async (store) =>
    feedViews(store ? await store.listFeeds() : [], sources),
  );
  if (opts.json) {
    printJson(views);
    return;
  }
  for (const f of views) {
    const health =
      f.status === 'pending'
        ? ['new: added at the next poll']
        : f.status === 'leaving'
          ? ['not in the sources file: paused at the next poll', ...feedHealth(f).slice(1)]
          : feedHealth(f);
    out(
      `${f.id.padEnd(28)} ${f.kind.padEnd(10)} ${f.language.padEnd(5)} ${String(f.itemCount).padStart(6)} items  ${health.join(' · ')}`,
    );
  }
  const count = (status: FeedView['status']) => views.filter((v) => v.status === status).length;
  const paused = count('paused');
  out(
    `${views.length} feeds (${config.sourcesPath})` +
      (paused ? `, ${paused} paused` : '') +
      (count('failing') ? `, ${count('failing')} failing` : ''),
  );
}

export async function feedsAdd(
  config: Config,
  input: string,
  opts: { id?: string; kind?: string; language?: string },
): Promise<void> {
  const kind = (opts.kind ?? 'media') as SourceKind;
  if (!SOURCE_KINDS.includes(kind))
    throw new UserError('bad-kind', `--kind must be one of ${SOURCE_KINDS.join(', ')}`);
  const sources = loadSources(config.sourcesPath);
  const sameAs = (url: string) => sources.find((s) => urlKey(s.url) === urlKey(url));
  const given = sameAs(input);
  if (given) throw new UserError('duplicate-feed', `${input} is already in the sources as ${given.id}`);
  // The operator's own command line is trusted: private addresses and local files are allowed.
  const probe = await probeFeed(input, {
    allowPrivate: true,
    allowLocalFiles: true,
    timeoutMs: config.fetch.timeoutMs,
    maxBytes: config.fetch.maxBytes,
  });
  const found = sameAs(probe.url);
  if (found) throw new UserError('duplicate-feed', `${probe.url} is already in the sources as ${found.id}`);
  // Ids are unique across the file and the archive (feeds added from chat live only there).
  const archived = await withArchiveIfAny(config, async (store) => (store ? await store.listFeeds() : []));
  const taken = new Set([...sources.map((s) => s.id), ...archived.map((f) => f.id)]);
  if (opts.id && taken.has(opts.id)) throw new UserError('duplicate-id', `the id ${opts.id} is taken`);
  const id = opts.id ?? freeId(probe.suggestedId, taken);
  const source: FeedSource = {
    id,
    name: probe.title,
    url: probe.url,
    kind,
    language: opts.language ?? probe.language ?? 'en',
    origin: 'operator',
  };
  saveSources(config, [...sources, source]);
  out(`added ${id}: ${probe.title} (${probe.format}, ${probe.itemCount} items) to ${config.sourcesPath}`);
  const note = discoveryNote(probe);
  if (note) out(`  ${note}`);
  if (id !== probe.suggestedId && !opts.id) out(`  (${probe.suggestedId} was taken; --id chooses another)`);
}

export async function feedsRemove(config: Config, id: string): Promise<void> {
  const sources = loadSources(config.sourcesPath);
  const inFile = sources.some((s) => s.id === id);
  if (inFile) {
    saveSources(
      config,
      sources.filter((s) => s.id !== id),
    );
    out(`removed ${id} from ${config.sourcesPath} and its items from the archive`);
  }
  // Also drop it from the archive: chat-added feeds live only there.
  await withArchiveIfAny(config, async (store) => {
    const removed = store ? await store.removeFeed(id) : false;
    if (!removed && !inFile) throw new UserError('not-found', `no feed with id ${id}`);
    // The store drops a feed's items with it (see the Store contract), so say so.
    if (removed && !inFile) out(`removed ${id} (added from chat) and its items from the archive`);
  });
}

/** `feeds pause <id>` / `feeds resume <id>`: any feed, whoever added or paused it. */
export async function feedsSetPaused(config: Config, id: string, pause: boolean): Promise<void> {
  const sources = loadSources(config.sourcesPath);
  const inFile = sources.some((s) => s.id === id);
  await withArchiveIfAny(config, async (store) => {
    const feed = store ? await store.getFeed(id) : null;
    if (!store || !feed) {
      throw new UserError(
        'not-found',
        inFile
          ? `${id} is in ${config.sourcesPath} but not in the archive yet (the next poll adds it)`
          : `no feed with id ${id} (see govwatch feeds list)`,
      );
    }
    if (pause) {
      if (feed.paused) {
        out(`${id} is already paused (${feedHealth(feed)[0]})`);
        return;
      }
      await store.setFeedPaused(id, { at: new Date().toISOString(), by: 'operator' });
      out(
        `paused ${id}: not polled until \`govwatch feeds resume ${id}\`; its ${feed.itemCount} items stay searchable`,
      );
      return;
    }
    if (!feed.paused) {
      out(`${id} is not paused`);
      return;
    }
    if (feed.paused.by === 'sources-file' && !inFile) {
      throw new UserError(
        'not-in-sources',
        `${id} was paused because ${config.sourcesPath} no longer lists it: add it back there and it resumes at the next poll`,
      );
    }
    await store.setFeedPaused(id, null);
    out(`resumed ${id}: polled again from the next poll`);
  });
}

export async function feedsImport(config: Config, file: string): Promise<void> {
  const sources = loadSources(config.sourcesPath);
  // importOpmlBytes decodes by BOM/XML declaration and skips URLs already present (normalised).
  const { sources: added, skipped } = importOpmlBytes(readFileSync(file), {
    existing: sources,
    origin: 'operator',
  });
  if (added.length) saveSources(config, [...sources, ...added]);
  out(`imported ${added.length} feed(s) from ${file}; ${skipped.length} skipped`);
  for (const s of skipped) process.stderr.write(`skipped${s.line ? ` (line ${s.line})` : ''}: ${s.reason}\n`);
}

/** The feeds govwatch follows, as OPML: the file's, and those added from chat. Reads only. */
export async function feedsExport(config: Config): Promise<void> {
  const sources = loadSources(config.sourcesPath);
  const views = await withArchiveIfAny(config, async (store) =>
    feedViews(store ? await store.listFeeds() : [], sources),
  );
  process.stdout.write(
    exportOpml(views.filter((v) => v.status !== 'leaving' && v.paused?.by !== 'sources-file')),
  );
}
