// `govwatch poll`: one poll cycle into the archive, with a progress bar on a terminal and a
// summary line per failing feed.
import { hostname } from 'node:os';
import cliProgress from 'cli-progress';
import { openArchive } from '../archive.ts';
import type { Config } from '../config.ts';
import { pollFeeds } from '../ingest/poll.ts';
import type { PollSummary } from '../ingest/poll.ts';
import { createLogger } from '../log.ts';
import { createPollDeps } from '../pipeline.ts';
import { out } from './output.ts';

export async function runPoll(
  config: Config,
  opts: { once?: boolean; force?: boolean },
): Promise<PollSummary> {
  const tty = Boolean(process.stderr.isTTY);
  // On a terminal the bar is the progress report; logs would tear it, so only warnings show.
  const logger = createLogger(tty ? 'warn' : config.logLevel);
  const { store } = await openArchive(config, { logger });
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'polling {bar} {value}/{total} feeds · {added} new items',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let added = 0;
  try {
    const deps = createPollDeps({
      store,
      config,
      logger,
      owner: config.replicaId ?? `${hostname()}:${process.pid}`,
    });
    const total = opts.force ? (await store.listFeeds()).length : undefined;
    bar?.start(total ?? 0, 0, { added });
    const summary = await pollFeeds(deps, {
      all: opts.force,
      onFeedDone: (result, done, count) => {
        added += result.added;
        bar?.setTotal(count);
        bar?.update(done, { added });
      },
    });
    bar?.stop();
    for (const f of summary.feeds.filter((r) => r.status === 'failed')) {
      process.stderr.write(`failed ${f.feedId}: ${f.error}\n`);
    }
    const unchanged = summary.feeds.filter((r) => r.status === 'not-modified').length;
    out(
      `polled ${summary.feeds.length} feed(s): ${summary.added} new item(s), ${unchanged} unchanged, ${summary.failed} failed`,
    );
    if (summary.failed && summary.failed === summary.feeds.length) process.exitCode = 1;
    return summary;
  } finally {
    bar?.stop();
    await store.close();
  }
}
