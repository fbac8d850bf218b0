// `govwatch parse <file-or-url>`: one feed through decode → parse → normalize → tag.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../config.ts';
import { fetchFeed } from '../ingest/fetch.ts';
import { parseFeedBytes } from '../ingest/parse.ts';
import { UserError } from '../model.ts';
import { THEMES_FILE } from '../paths.ts';
import { loadTagger } from '../tagging/tagger.ts';
import { out, printJson } from './output.ts';

async function readInput(
  config: Config,
  input: string,
  contentType: string | undefined,
): Promise<{ body: Buffer; contentType: string | null; baseUrl: string }> {
  if (/^https?:\/\//i.test(input)) {
    // The operator's own command line: trusted, so no address guard.
    const fetched = await fetchFeed(input, {
      timeoutMs: config.fetch.timeoutMs,
      maxBytes: config.fetch.maxBytes,
    });
    if (fetched.status !== 'ok') throw new UserError('no-body', `${input}: the server sent no body`);
    return { body: fetched.body, contentType: contentType ?? fetched.contentType, baseUrl: fetched.finalUrl };
  }
  try {
    return {
      body: await readFile(input),
      contentType: contentType ?? null,
      baseUrl: pathToFileURL(resolve(input)).href,
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      'unreadable',
      code === 'ENOENT' ? `${input}: no such file` : `${input}: ${(err as Error).message}`,
    );
  }
}

export async function runParse(
  config: Config,
  input: string,
  opts: { contentType?: string; json?: boolean },
): Promise<void> {
  const { body, contentType, baseUrl } = await readInput(config, input, opts.contentType);
  let feed;
  try {
    feed = parseFeedBytes(body, { contentType, baseUrl, now: new Date() });
  } catch (err) {
    throw new UserError('not-a-feed', `${input}: ${(err as Error).message}`);
  }
  const tagger = loadTagger(THEMES_FILE);
  const items = feed.items.map((item) => {
    const tags = tagger.tag({ title: item.title, summary: item.summary, lang: item.lang });
    return {
      id: item.guid,
      title: item.title,
      url: item.url,
      published: item.publishedEstimated ? null : item.published,
      author: item.author,
      summary: item.summary,
      themes: tags.themes,
      regions: tags.regions,
    };
  });
  if (opts.json) {
    printJson({
      feed: { title: feed.title, link: feed.link, format: feed.format, charset: feed.charset },
      items,
    });
    return;
  }
  out(`${feed.title} (${feed.format}, ${feed.charset}, ${items.length} items)`);
  for (const item of items) {
    const tags = [...item.themes, ...item.regions].join(', ');
    out(`- ${item.published?.slice(0, 10) ?? 'no date   '}  ${item.title}${tags ? `  (${tags})` : ''}`);
  }
}
