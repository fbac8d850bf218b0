// The `govwatch` command line. Each command's work lives in src/cli/<command>.ts; this file
// only declares the commands and turns errors into one clear line and an exit code.
import { Command, InvalidArgumentError } from 'commander';
import type { Config } from './config.ts';
import { UserError } from './model.ts';

interface GlobalOptions {
  db?: string;
  sources?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

// The configuration (and zod) is loaded only when a command runs: `--help` needs neither.
async function configOf(program: Command): Promise<Config> {
  const opts = program.opts<GlobalOptions>();
  const { loadConfig } = await import('./config.ts');
  return loadConfig(process.env, { db: opts.db, sources: opts.sources });
}

export function buildProgram(): Command {
  const program = new Command('govwatch')
    .description('Follow internet-governance news from standards bodies and rights groups')
    .version('0.1.0')
    .option('--db <path>', 'SQLite archive file (env GOVWATCH_DB, default ./data/govwatch.db)')
    .option('--sources <yaml>', 'sources file (env GOVWATCH_SOURCES, default feeds/sources.yaml)')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('parse')
    .description('fetch or read one feed, decode, parse, normalize and tag it')
    .argument('<file-or-url>', 'a local file or an http(s) URL')
    .option('--content-type <value>', 'Content-Type header to assume for a local file (charset matters)')
    .option('--json', 'print JSON')
    .action(async (input: string, opts: { contentType?: string; json?: boolean }) => {
      const { runParse } = await import('./cli/parse.ts');
      await runParse(await configOf(program), input, opts);
    });

  program
    .command('tag')
    .description(
      'tag JSON Lines from stdin ({id,title,summary,lang?}) and print JSON Lines with themes, regions, why',
    )
    .action(async () => {
      const { runTag } = await import('./cli/tag.ts');
      await runTag();
    });

  program
    .command('poll')
    .description(
      'poll the sources into the archive once, then exit: by default only the feeds due (next check reached); paused feeds never',
    )
    .option('--once', 'poll every feed once now, due or not, except feeds backing off after failures')
    .option('--force', 'poll every feed now, also those backing off after failures')
    .action(async (opts: { once?: boolean; force?: boolean }) => {
      const { runPoll } = await import('./cli/poll.ts');
      await runPoll(await configOf(program), opts);
    });

  program
    .command('search')
    .description('search the archive')
    .argument('<query...>', 'words to look for')
    .option('--theme <id>', 'only this theme')
    .option('--region <code>', 'only this region (CN, RU, EU, …)')
    .option('--source <id>', 'only this source')
    .option('--since <when>', 'only newer than this: 24h, 7d, 2w or YYYY-MM-DD')
    .option('--limit <n>', 'how many results', positiveInt, 10)
    .option('--json', 'print JSON')
    .action(async (words: string[], opts) => {
      const { runSearch } = await import('./cli/search.ts');
      await runSearch(await configOf(program), words.join(' '), opts);
    });

  program
    .command('trends')
    .description('stories per week or day by theme or region, as a PNG chart, JSON or a text table')
    .option('--theme <ids>', 'only these themes (comma-separated); one theme: one line per region')
    .option('--region <codes>', 'only these regions (CN, RU, EU, …)')
    .option('--source <ids>', 'only these sources (feed ids)')
    .option('--period <span>', 'how far back: 90d, 12w, 6m', '90d')
    .option('--by <unit>', 'week or day', 'week')
    .option('--png <file>', 'write the chart as a PNG (1400×700)')
    .option('--json', 'print the counts as JSON')
    .action(async (opts) => {
      const { runTrends } = await import('./cli/trends.ts');
      await runTrends(await configOf(program), opts);
    });

  program
    .command('digest')
    .description('build and print a digest (does not move any channel’s digest point)')
    .option('--since <when>', 'what arrived in this window: 24h, 7d, …', '24h')
    .option('--themes <ids>', 'comma-separated theme ids')
    .option('--regions <codes>', 'comma-separated region codes')
    // Not `--sources`: that is the global sources-file option, which would swallow it.
    .option('--source <ids>', 'comma-separated source (feed) ids')
    .option('--keywords <words>', 'comma-separated keywords or "phrases"; -word leaves out what mentions it')
    .option('--limit <n>', 'at most this many stories', positiveInt, 25)
    .option('--format <format>', 'text, markdown or json', 'text')
    .action(async (opts) => {
      const { runDigestCommand } = await import('./cli/digest.ts');
      await runDigestCommand(await configOf(program), { ...opts, sources: opts.source });
    });

  program
    .command('evidence')
    .description(
      'what OONI, IODA (and Cloudflare Radar with GOVWATCH_CLOUDFLARE_TOKEN) measured in a country, or for one story',
    )
    .option('--country <CC>', 'two-letter country code, e.g. IQ')
    .option('--from <YYYY-MM-DD>', 'first day (UTC; default: 6 days before --until)')
    .option('--until <YYYY-MM-DD>', 'last day, included (UTC; default: today)')
    .option('--item <id>', "an archived story's number: evidence for its countries around its date")
    .option('--json', 'print JSON: [{source, country, from, until, kind, summary, figures, url}]')
    .action(async (opts) => {
      const { runEvidence } = await import('./cli/evidence.ts');
      await runEvidence(await configOf(program), opts);
    });

  const feeds = program.command('feeds').description('manage sources (feeds/sources.yaml and the archive)');
  feeds
    .command('list')
    .description('list sources with their health')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { feedsList } = await import('./cli/feeds.ts');
      await feedsList(await configOf(program), opts);
    });
  feeds
    .command('add')
    .description(
      'add a feed to the sources file after checking that it parses; a web page is searched for its feeds',
    )
    .argument('<url>', 'the feed, or a page of the site (http(s) URL, file:// URL or a path)')
    .option('--id <id>', 'feed id (default: from the feed title)')
    .option('--kind <kind>', 'standards, rights, government or media', 'media')
    .option('--language <code>', 'language code (default: from the feed)')
    .action(async (url: string, opts) => {
      const { feedsAdd } = await import('./cli/feeds.ts');
      await feedsAdd(await configOf(program), url, opts);
    });
  feeds
    .command('remove')
    .description('remove a feed from the sources file and the archive, with its archived items')
    .argument('<id>')
    .action(async (id: string) => {
      const { feedsRemove } = await import('./cli/feeds.ts');
      await feedsRemove(await configOf(program), id);
    });
  feeds
    .command('pause')
    .description('stop polling a feed; its archived items stay searchable')
    .argument('<id>')
    .action(async (id: string) => {
      const { feedsSetPaused } = await import('./cli/feeds.ts');
      await feedsSetPaused(await configOf(program), id, true);
    });
  feeds
    .command('resume')
    .description('poll a paused feed again')
    .argument('<id>')
    .action(async (id: string) => {
      const { feedsSetPaused } = await import('./cli/feeds.ts');
      await feedsSetPaused(await configOf(program), id, false);
    });
  feeds
    .command('import')
    .description('add the feeds of an OPML file to the sources file')
    .argument('<opml>')
    .action(async (file: string) => {
      const { feedsImport } = await import('./cli/feeds.ts');
      await feedsImport(await configOf(program), file);
    });
  feeds
    .command('export')
    .description('print the sources as OPML 2.0')
    .action(async () => {
      const { feedsExport } = await import('./cli/feeds.ts');
      await feedsExport(await configOf(program));
    });

  const subscriptions = program
    .command('subscriptions')
    .description('the subscriptions of every target (chat channels, users, the terminal)');
  subscriptions
    .command('list')
    .description('list every subscription with its target, filter and schedule')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { subscriptionsList } = await import('./cli/subscriptions.ts');
      await subscriptionsList(await configOf(program), opts);
    });
  subscriptions
    .command('remove')
    .description('remove a subscription by its id (see `subscriptions list`)')
    .argument('<id>', 'subscription id', positiveInt)
    .action(async (id: number) => {
      const { subscriptionsRemove } = await import('./cli/subscriptions.ts');
      await subscriptionsRemove(await configOf(program), id);
    });

  const trackCmd = program
    .command('track')
    .description('processes the terminal follows: IETF drafts, treaties, consultations, meetings');
  trackCmd
    .command('add')
    .description('follow a draft name, wg:<acronym>, a treaty (XVIII-16), a page URL or event:<id>')
    .argument('<what>', 'what to track')
    .option(
      '--reminders <days>',
      'days before a deadline to remind (default GOVWATCH_REMINDER_DAYS, e.g. 7,1)',
    )
    .action(async (what: string, opts: { reminders?: string }) => {
      const { trackAdd } = await import('./cli/track.ts');
      await trackAdd(await configOf(program), what, opts);
    });
  trackCmd
    .command('remove')
    .description('stop following a process (its id from `track list`)')
    .argument('<what>', 'process id or what was given to `track add`')
    .action(async (what: string) => {
      const { trackRemove } = await import('./cli/track.ts');
      await trackRemove(await configOf(program), what);
    });
  trackCmd
    .command('list')
    .description('every followed process with its state, next deadline, tracker error and followers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { trackList } = await import('./cli/track.ts');
      await trackList(await configOf(program), opts);
    });

  program
    .command('deadlines')
    .description('what closes or opens soon, soonest first')
    .option('--within <duration>', 'how far ahead, e.g. 30d (default) or 12w')
    .option('--json', 'print JSON: [{id, kind, title, url, state, deadline, source}]')
    .action(async (opts: { within?: string; json?: boolean }) => {
      const { runDeadlines } = await import('./cli/track.ts');
      await runDeadlines(await configOf(program), opts);
    });

  program
    .command('trackers')
    .description('tracked processes')
    .command('poll')
    .description('check every tracked process now and queue changes and reminders')
    .action(async () => {
      const { runTrackersPoll } = await import('./cli/track.ts');
      await runTrackersPoll(await configOf(program));
    });

  program
    .command('themes')
    .description('the theme ids items are tagged with, and what each covers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { runThemes } = await import('./cli/themes.ts');
      runThemes(opts);
    });

  program
    .command('start')
    .description(
      'run the bot: scheduler, plus Discord and/or Slack when their tokens are set, the terminal otherwise',
    )
    .action(async () => {
      const { runStart } = await import('./cli/start.ts');
      await runStart(await configOf(program));
    });

  program
    .command('demo')
    .description(
      'offline demo: serve feeds/samples on 127.0.0.1, poll, print what was stored, a search and a digest',
    )
    .option('--keep <path>', 'keep the demo archive at this path instead of a temporary file')
    .action(async (opts: { keep?: string }) => {
      const { runDemo } = await import('./cli/demo.ts');
      await runDemo(await configOf(program), opts);
    });

  program
    .command('migrate')
    .description('apply archive migrations (SQLite file, or PostgreSQL when DATABASE_URL is set)')
    .action(async () => {
      const { runMigrate } = await import('./cli/db.ts');
      await runMigrate(await configOf(program));
    });

  const db = program.command('db').description('archive maintenance');
  db.command('copy')
    .description('copy the SQLite archive (--db) into a PostgreSQL database')
    .requiredOption('--to <database-url>', 'postgres://… target')
    .action(async (opts: { to: string }) => {
      const { runDbCopy } = await import('./cli/db.ts');
      await runDbCopy(await configOf(program), opts.to);
    });
  db.command('backup')
    .description('copy the SQLite archive to <file> with SQLite’s online backup (safe while the bot runs)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .action(async (file: string) => {
      const { runDbBackup } = await import('./cli/db.ts');
      await runDbBackup(await configOf(program), file);
    });

  program
    .command('register-commands')
    .description('register the slash commands with Discord (globally, or in one guild)')
    .option('--guild <id>', 'register in this guild only (instant; global takes up to an hour)')
    .action(async (opts: { guild?: string }) => {
      const { runRegisterCommands } = await import('./cli/register.ts');
      await runRegisterCommands(await configOf(program), opts);
    });

  return program;
}

let pipeGuarded = false;

/**
 * `govwatch search … | head -1`: once the reader has gone, there is nobody to tell, so a
 * broken pipe ends the command quietly, as Unix tools do, instead of with a stack trace.
 */
function exitQuietlyOnBrokenPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnBrokenPipe();
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Users get one clear line; the stack only when asked for (GOVWATCH_DEBUG=1).
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`govwatch: ${message}\n`);
    if (!(err instanceof UserError) && process.env.GOVWATCH_DEBUG === '1' && err instanceof Error) {
      process.stderr.write(`${err.stack}\n`);
    }
    process.exitCode = 1;
  }
}
