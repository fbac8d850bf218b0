import type { CommandContext, CommandDef } from '../src/chat/types.ts';
import { digestPeriodStart } from '../src/digest/period.ts';
import { defaultDigestTitle, prepareTargetDigest, runDigest } from '../src/digest/run.ts';
import { nextOccurrence, parseCron } from '../src/schedule/cron.ts';
import { UserError, targetKey } from '../src/model.ts';
import type { SubscriptionFilter } from '../src/model.ts';
import { digestBlocks } from './lib/blocks.ts';
import {
  describeCron,
  scheduleCron,
  scheduleOptions,
  stringOption,
  timeOption,
  timezoneOption,
} from './lib/options.ts';

const EVERYTHING: SubscriptionFilter = { themes: [], regions: [], sources: [], keywords: [] };

/**
 * The filters of this place's digest subscriptions (none means the digest shows everything)
 * and where its first digest starts: one period of its schedule (the oldest subscription's,
 * as the scheduler uses) before now.
 */
async function digestScope(
  ctx: CommandContext,
): Promise<{ filters: SubscriptionFilter[]; firstSince: string; nextSlot: Date; zone: string }> {
  const subs = await ctx.store.listSubscriptions({ target: ctx.where, mode: 'digest' });
  const first = [...subs].sort((a, b) => a.id - b.id)[0];
  const cron = first?.cron ?? ctx.config.digestCron;
  const zone = first?.timezone || ctx.config.timezone;
  return {
    filters: subs.map((s) => s.filter),
    firstSince: digestPeriodStart(cron, zone, ctx.now).toISOString(),
    nextSlot: nextOccurrence(parseCron(cron), zone, ctx.now) ?? ctx.now,
    zone,
  };
}

/** A place whose digests are weekly (a day-of-week in the cron) sees the month ahead. */
async function isWeekly(ctx: CommandContext): Promise<boolean> {
  const subs = await ctx.store.listSubscriptions({ target: ctx.where, mode: 'digest' });
  return subs.some((s) => (s.cron ?? ctx.config.digestCron).trim().split(/\s+/)[4] !== '*');
}

function requireAdminInChannel(ctx: CommandContext, what: string): void {
  if (ctx.where.kind === 'channel' && !ctx.caller.isAdmin) {
    throw new UserError(
      'not-admin',
      `${what} in a channel needs an admin (Discord: Manage Server or Manage Channels; Slack: workspace admin)`,
    );
  }
}

export const digest: CommandDef = {
  name: 'digest',
  description: 'Post, preview or schedule the digest of this channel',
  help:
    '`/digest preview` shows you what the next digest would hold (nothing is posted). `/digest now` posts it ' +
    'here now (admins in channels); the next scheduled digest then starts after it. `/digest schedule ' +
    'frequency:daily time:08:00 timezone:Europe/Berlin` sets when this channel gets its digest (admins).',
  permission: 'anyone',
  options: [],
  subcommands: [
    { name: 'preview', description: 'Show me the next digest (not posted)', options: [] },
    { name: 'now', description: 'Post the digest here now', options: [], permission: 'admin' },
    {
      name: 'schedule',
      description: "Set this channel's digest time",
      permission: 'admin',
      options: scheduleOptions({ timezoneRequired: true }),
    },
  ],
  async run(ctx) {
    switch (ctx.subcommand) {
      case 'preview': {
        // Built as the scheduled digest will be, titled as it will be (with "Preview:"), and
        // rendered by the platform's digest renderer: the preview is what will be posted.
        const { filters, firstSince, nextSlot, zone } = await digestScope(ctx);
        const { digest } = await prepareTargetDigest(ctx.store, {
          target: ctx.where,
          filters,
          firstSince,
          previous: await ctx.store.getDigestMark(targetKey(ctx.where)),
          now: ctx.now,
          title: `Preview: ${defaultDigestTitle(nextSlot, zone)}`,
          agendaDays: (await isWeekly(ctx)) ? 31 : 14,
        });
        return { ephemeral: true, blocks: digestBlocks(digest), digest };
      }
      case 'now': {
        requireAdminInChannel(ctx, 'posting the digest');
        // The scheduler holds this lock while it builds this place's digest; taking it here
        // keeps a manual digest from racing a scheduled one over the same items.
        const lock = `digest-run:${targetKey(ctx.where)}`;
        const owner = `chat:${ctx.caller.id}:${ctx.now.getTime()}`;
        if (!(await ctx.store.tryLock(lock, owner, 10 * 60_000))) {
          throw new UserError(
            'digest-busy',
            'a digest for this place is being built right now; try again in a minute',
          );
        }
        let result;
        try {
          const { filters, firstSince } = await digestScope(ctx);
          result = await runDigest(ctx.store, {
            target: ctx.where,
            filters,
            firstSince,
            slot: ctx.now,
            now: ctx.now,
            timeZone: ctx.config.timezone,
          });
        } finally {
          await ctx.store.unlock(lock, owner);
        }
        const text =
          result.status === 'enqueued'
            ? `Posting the digest (${result.digest.totalStories} stories) here now.`
            : result.status === 'empty'
              ? 'Nothing new since the last digest, so nothing was posted.'
              : 'A digest for this moment was already posted.';
        return { ephemeral: true, blocks: [{ type: 'paragraph', text }] };
      }
      case 'schedule': {
        requireAdminInChannel(ctx, 'changing the digest schedule');
        const timezone = timezoneOption(ctx.options, 'timezone', ctx.config.timezone);
        const cron = scheduleCron(
          stringOption(ctx.options, 'frequency'),
          timeOption(ctx.options),
          stringOption(ctx.options, 'day'),
        );
        const subs = await ctx.store.listSubscriptions({ target: ctx.where, mode: 'digest' });
        if (subs.length) {
          for (const sub of subs) await ctx.store.updateSubscriptionSchedule(sub.id, cron, timezone);
        } else {
          await ctx.store.addSubscription({
            target: ctx.where,
            filter: EVERYTHING,
            mode: 'digest',
            cron,
            timezone,
            createdBy: ctx.caller.id,
          });
        }
        return {
          ephemeral: true,
          blocks: [
            {
              type: 'paragraph',
              text: `Digest ${describeCron(cron, timezone)}${subs.length ? '' : ', covering everything (narrow it with /subscribe)'}.`,
            },
          ],
        };
      }
      default:
        throw new UserError('bad-subcommand', 'use /digest preview, now or schedule');
    }
  },
};
