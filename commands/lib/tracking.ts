import type { CommandContext } from '../../src/chat/types.ts';
import { UserError, type Target } from '../../src/model.ts';
import { personalTarget } from './targets.ts';

/** Where /track and /untrack act: the channel (admins) or the caller (anyone). */
export function trackingTarget(ctx: CommandContext, scope: string | undefined): Target {
  const wanted = (scope ?? (ctx.where.kind === 'user' ? 'me' : 'channel')).toLowerCase();
  if (wanted === 'me') return personalTarget(ctx);
  if (wanted !== 'channel') throw new UserError('bad-option', `\`scope\` is channel or me, not "${scope}"`);
  if (ctx.where.kind === 'user') throw new UserError('bad-option', 'this is a direct message: use scope me');
  if (!ctx.caller.isAdmin)
    throw new UserError(
      'not-admin',
      'tracking for this channel needs an admin (Discord: Manage Server or Manage Channels; Slack: workspace admin). Use scope:me for yourself.',
    );
  return ctx.where;
}
