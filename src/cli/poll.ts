// `govwatch poll`: one pass into the archive, then exit, with a progress bar on a terminal
// and a summary line per failing feed. Which feeds: without options those due (their next
// check reached: interval, server hints, backoff); --once every feed except those backing
// off after failures; --force every feed. Paused feeds never.
//
// On a terminal nothing may write to stderr while the bar is drawn (a line in the middle
// tears it), so log entries are held until the bar is done and then printed as human
// lines; "feed failed" entries are left out there because the summary names each failing
// feed once.
import { hostname } from 'node:os';
import cliProgress from 'cli-progress';
import { describeSync, openArchive } from '../archive.ts';
import type { Config } from '../config.ts';
import { pollFeeds } from '../ingest/poll.ts';
import type { PollSummary } from '../ingest/poll.ts';
import { formatLogLine } from '../log-format.ts';
import { configuredLogger, createLogger } from '../log.ts';
import { createPollDeps } from '../pipeline.ts';
import { out } from './output.ts';

/** Log lines held while the progress bar is on screen. */
function heldLog(): { stream: { write(line: string): void }; lines: string[] } {
  const lines: string[] = [];
  return { stream: { write: (line: string) => void lines.push(line) }, lines };
}

export async function runPoll(
  config: Config,
  opts: { once?: boolean; force?: boolean },
): Promise<PollSummary> {
  const tty = Boolean(process.stderr.isTTY);
  const held = tty ? heldLog() : null;
  const logger = held
    ? createLogger('warn', { format: 'json', stream: held.stream as NodeJS.WritableStream })
    : configuredLogger(config);
  const { store, sync } = await openArchive(config, logger);
  for (const line of describeSync(sync, config.sourcesPath)) process.stderr.write(`govwatch: ${line}\n`);
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
  const finishBar = (): void => {
    if (!bar) return;
    bar.stop();
    for (const line of held?.lines.splice(0) ?? []) {
      if ((JSON.parse(line) as { msg?: string }).msg === 'feed failed') continue;
      process.stderr.write(`${formatLogLine(line, { color: config.color })}\n`);
    }
  };
  try {
    const deps = createPollDeps({
      store,
      config,
      logger,
      owner: config.replicaId ?? `${hostname()}:${process.pid}`,
    });
    const all = Boolean(opts.force || opts.once);
    const total = all ? (await store.listFeeds()).filter((f) => !f.paused).length : undefined;
    bar?.start(total ?? 0, 0, { added });
    const summary = await pollFeeds(deps, {
      all,
      spareBackingOff: !opts.force,
      onFeedDone: (result, done, count) => {
        added += result.added;
        bar?.setTotal(count);
        bar?.update(done, { added });
      },
    });
    finishBar();
    for (const f of summary.feeds.filter((r) => r.status === 'failed')) {
      process.stderr.write(`failed ${f.feedId}: ${f.error}\n`);
    }
    const unchanged = summary.feeds.filter((r) => r.status === 'not-modified').length;
    out(
      `polled ${summary.feeds.length} feed(s): ${summary.added} new item(s), ${unchanged} unchanged, ${summary.failed} failed`,
    );
    if (summary.backingOff?.length) {
      process.stderr.write(
        `not polled, backing off after failures (--force polls them): ${summary.backingOff.join(', ')}\n`,
      );
    }
    if (summary.failed && summary.failed === summary.feeds.length) process.exitCode = 1;
    return summary;
  } finally {
    finishBar();
    await store.close();
  }
}
