import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { UserError, isThemeId } from '../model.ts';
import { parseSince } from '../util/duration.ts';
import { itemLine, out, printJson, snippetText } from './output.ts';

export interface SearchOptions {
  theme?: string;
  region?: string;
  source?: string;
  since?: string;
  limit: number;
  json?: boolean;
}

export async function runSearch(config: Config, query: string, opts: SearchOptions): Promise<void> {
  if (opts.theme && !isThemeId(opts.theme)) {
    throw new UserError('unknown-theme', `unknown theme "${opts.theme}" (see govwatch --help or /themes)`);
  }
  const since = opts.since ? parseSince(opts.since, new Date()) : undefined;
  const store = await openArchiveForReading(config);
  try {
    const result = await store.search({
      text: query,
      themes: opts.theme && isThemeId(opts.theme) ? [opts.theme] : [],
      regions: opts.region ? [opts.region.toUpperCase()] : [],
      sources: opts.source ? [opts.source] : [],
      since,
      limit: Math.min(opts.limit, 100),
    });
    if (opts.json) {
      printJson({
        query,
        total: result.total,
        hits: result.hits.map((h) => ({
          ...h.item,
          score: h.score,
          snippet: snippetText(h.snippet, false),
        })),
      });
      return;
    }
    if (!result.hits.length) {
      out(`No results for "${query}".`);
      return;
    }
    out(`${result.totalIsEstimate ? 'about ' : ''}${result.total} result(s) for "${query}":`);
    for (const hit of result.hits) {
      out(itemLine(hit.item));
      if (hit.snippet.length) out(`      ${snippetText(hit.snippet)}`);
      if (hit.item.url) out(`      ${hit.item.url}`);
    }
  } finally {
    await store.close();
  }
}
