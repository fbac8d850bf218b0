// `govwatch feeds …`: the operator's sources file is the truth for trusted feeds; the
// archive holds their polling state and the feeds added from chat.
import { readFileSync, writeFileSync } from 'node:fs';
import { openArchive } from '../archive.ts';
import type { Config } from '../config.ts';
import { probeFeed } from '../ingest/probe.ts';
import { UserError } from '../model.ts';
import type { FeedSource, SourceKind } from '../model.ts';
import { loadSources } from '../sources/load.ts';
import { exportOpml, importOpmlBytes } from '../sources/opml.ts';
import { SOURCE_KINDS, urlKey } from '../sources/schema.ts';
import { writeSourcesYaml } from '../sources/write.ts';
import { out, printJson } from './output.ts';

function saveSources(config: Config, sources: FeedSource[]): void {
  const previous = readFileSync(config.sourcesPath, 'utf8');
  writeFileSync(config.sourcesPath, writeSourcesYaml(sources, previous));
}

export async function feedsList(config: Config, opts: { json?: boolean }): Promise<void> {
  const { store } = await openArchive(config);
  try {
    const feeds = await store.listFeeds();
    if (opts.json) {
      printJson(feeds);
      return;
    }
    for (const f of feeds) {
      const health = f.state.consecutiveFailures
        ? `FAILING ×${f.state.consecutiveFailures}: ${f.state.lastError ?? ''}`
        : f.state.lastSuccessAt
          ? `ok ${f.state.lastSuccessAt.slice(0, 16)}Z`
          : 'not polled yet';
      out(
        `${f.id.padEnd(28)} ${f.kind.padEnd(10)} ${f.language.padEnd(5)} ${String(f.itemCount).padStart(6)} items  ${health}`,
      );
    }
    out(`${feeds.length} feeds (${config.sourcesPath})`);
  } finally {
    await store.close();
  }
}

export async function feedsAdd(
  config: Config,
  url: string,
  opts: { id?: string; kind?: string; language?: string },
): Promise<void> {
  const kind = (opts.kind ?? 'media') as SourceKind;
  if (!SOURCE_KINDS.includes(kind))
    throw new UserError('bad-kind', `--kind must be one of ${SOURCE_KINDS.join(', ')}`);
  const sources = loadSources(config.sourcesPath);
  const same = sources.find((s) => urlKey(s.url) === urlKey(url));
  if (same) throw new UserError('duplicate-feed', `${url} is already in the sources as ${same.id}`);
  // The operator's own command line is trusted, so private addresses are allowed here.
  const probe = await probeFeed(url, {
    allowPrivate: true,
    timeoutMs: config.fetch.timeoutMs,
    maxBytes: config.fetch.maxBytes,
  });
  const id = opts.id ?? probe.suggestedId;
  if (sources.some((s) => s.id === id))
    throw new UserError('duplicate-id', `the id ${id} is taken: choose one with --id`);
  const source: FeedSource = {
    id,
    name: probe.title,
    url,
    kind,
    language: opts.language ?? probe.language ?? 'en',
    origin: 'operator',
  };
  saveSources(config, [...sources, source]);
  out(`added ${id}: ${probe.title} (${probe.format}, ${probe.itemCount} items) to ${config.sourcesPath}`);
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
  const { store } = await openArchive(config);
  try {
    const removed = await store.removeFeed(id);
    if (!removed && !sources.some((s) => s.id === id))
      throw new UserError('not-found', `no feed with id ${id}`);
    // The store drops a feed's items with it (see the Store contract), so say so.
    if (removed && !inFile) out(`removed ${id} (added from chat) and its items from the archive`);
  } finally {
    await store.close();
  }
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

export async function feedsExport(config: Config): Promise<void> {
  const { store } = await openArchive(config);
  try {
    process.stdout.write(exportOpml(await store.listFeeds()));
  } finally {
    await store.close();
  }
}
