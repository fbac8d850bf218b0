import type { CommandContext } from '../../src/chat/types.ts';
import { UserError } from '../../src/model.ts';
import type { Subscription, Target } from '../../src/model.ts';
import { describeFilter } from '../../src/digest/filter.ts';
import { describeCron } from './options.ts';

/** The caller's own direct-message target on this platform. */
export function personalTarget(ctx: CommandContext): Target {
  return {
    platform: ctx.where.platform,
    // A Discord user and their DMs belong to no guild (the adapter's DM target has ''), so a
    // personal subscription made in a guild must be the same target as one made in a DM.
    // Slack users are per workspace, and its DM targets carry the team id.
    workspaceId: ctx.where.platform === 'discord' ? '' : ctx.where.workspaceId,
    kind: 'user',
    channelId: ctx.caller.id,
  };
}

/** `scope: channel` needs an admin; `me` (or any command run in a DM) is the caller's own. */
export function scopeTarget(ctx: CommandContext, scope: string | undefined): Target {
  const wanted = (scope ?? (ctx.where.kind === 'user' ? 'me' : 'channel')).toLowerCase();
  if (wanted === 'me') return personalTarget(ctx);
  if (wanted !== 'channel') throw new UserError('bad-option', `\`scope\` is channel or me, not "${scope}"`);
  if (ctx.where.kind === 'user') {
    throw new UserError(
      'bad-option',
      'this is a direct message: use scope me, or run the command in a channel',
    );
  }
  if (!ctx.caller.isAdmin) {
    throw new UserError(
      'not-admin',
      "changing this channel's subscriptions needs an admin (Discord: Manage Server or Manage Channels; Slack: workspace admin). Use scope me for your own.",
    );
  }
  return ctx.where;
}

/**
 * `#12: themes censorship (digest daily at 08:00 UTC)`. A digest with no stored schedule
 * follows the configuration (`defaults`: GOVWATCH_DIGEST_CRON, GOVWATCH_TIMEZONE).
 */
export function describeSubscription(
  sub: Subscription,
  defaults: { cron: string; timezone: string } = { cron: '0 8 * * *', timezone: 'UTC' },
): string {
  const what = describeFilter(sub.filter);
  const configured = sub.cron === null && !sub.timezone;
  const how =
    sub.mode === 'alert'
      ? 'alert as items arrive'
      : `digest ${describeCron(sub.cron ?? defaults.cron, sub.timezone || defaults.timezone)}${configured ? ', as configured' : ''}`;
  return `#${sub.id}: ${what} (${how})`;
}
