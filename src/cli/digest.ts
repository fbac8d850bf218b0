// `govwatch digest`: build and print a digest of a time window. It reads only; no target's
// digest point moves, so it never takes anything away from the scheduled digests.
import type { Config } from '../config.ts';
import { openArchiveForReading } from '../archive.ts';
import { buildDigest } from '../digest/build.ts';
import { parseKeywords } from '../digest/filter.ts';
import { renderJson, renderMarkdown, renderText } from '../digest/render.ts';
import { THEME_IDS, UserError, isThemeId } from '../model.ts';
import type { ThemeId } from '../model.ts';
import { parseSince } from '../util/duration.ts';

export interface DigestCommandOptions {
  since: string;
  themes?: string;
  regions?: string;
  sources?: string;
  keywords?: string;
  limit: number;
  format: string;
}

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function runDigestCommand(config: Config, opts: DigestCommandOptions): Promise<void> {
  if (!['text', 'markdown', 'json'].includes(opts.format)) {
    throw new UserError('bad-format', `--format must be text, markdown or json, not "${opts.format}"`);
  }
  const themes = list(opts.themes);
  const unknown = themes.filter((t) => !isThemeId(t));
  if (unknown.length)
    throw new UserError(
      'unknown-theme',
      `unknown theme ${unknown.join(', ')}; themes are: ${THEME_IDS.join(', ')}`,
    );
  const now = new Date();
  const since = parseSince(opts.since, now);
  const store = await openArchiveForReading(config);
  try {
    const digest = await buildDigest(store, {
      target: null,
      filter: {
        themes: themes as ThemeId[],
        regions: list(opts.regions).map((r) => r.toUpperCase()),
        sources: list(opts.sources),
        ...parseKeywords(opts.keywords),
      },
      seenSince: since,
      since,
      now,
      cap: opts.limit,
      includeBacklog: true,
      title: `govwatch digest since ${since.slice(0, 16).replace('T', ' ')} UTC`,
      // A window of a week or more reads like a weekly digest: the month ahead.
      agendaDays: now.getTime() - Date.parse(since) >= 7 * 86_400_000 - 60_000 ? 31 : 14,
    });
    const render =
      opts.format === 'json' ? renderJson : opts.format === 'markdown' ? renderMarkdown : renderText;
    process.stdout.write(`${render(digest, { timeZone: config.timezone })}\n`);
  } finally {
    await store.close();
  }
}
