import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { describeReminders, reminderDaysOf, requireTrackers, track } from '../src/trackers/follow.ts';
import { stringOption } from './lib/options.ts';
import { trackingTarget } from './lib/tracking.ts';

export const trackCommand: CommandDef = {
  name: 'track',
  description: 'Follow a process: an IETF draft, a treaty, a consultation, a meeting',
  help:
    'Give an Internet-Draft name (draft-ietf-tls-esni), wg:<acronym>, a treaty (XVIII-16, or "cybercrime" for the UN ' +
    'Convention against Cybercrime), an ICANN public comment or "Have your say" page URL, or a meeting id from ' +
    '/deadlines (event:…). State changes are posted here, with reminders before deadlines (reminders:7,1). ' +
    'Channel tracking needs an admin; scope:me follows it for you.',
  permission: 'anyone',
  options: [
    { name: 'what', description: 'Draft name, treaty, page URL or event id', type: 'string', required: true },
    {
      name: 'scope',
      description: 'channel (admins) or me',
      type: 'string',
      choices: [
        { name: 'channel', value: 'channel' },
        { name: 'me', value: 'me' },
      ],
    },
    {
      name: 'reminders',
      description: 'Days before a deadline to remind, e.g. 7,1 (or none)',
      type: 'string',
    },
  ],
  async run(ctx) {
    const trackers = requireTrackers(ctx.config);
    const ref = stringOption(ctx.options, 'what');
    if (!ref) throw new UserError('bad-option', 'say what to track, e.g. /track draft-ietf-tls-esni');
    const target = trackingTarget(ctx, stringOption(ctx.options, 'scope'));
    const r = await track(ctx.store, ctx.config, {
      ref,
      target,
      reminderDays: reminderDaysOf(stringOption(ctx.options, 'reminders'), trackers.reminderDays),
      createdBy: ctx.caller.id,
      now: ctx.now,
    });
    const who = target.kind === 'user' ? 'you' : 'this channel';
    return {
      ephemeral: true,
      blocks: [
        {
          type: 'paragraph',
          text: `${r.newFollow ? 'Tracking' : 'Still tracking'} ${r.process.title} for ${who} (${r.process.state}); ${describeReminders(r.reminderDays)}.`,
        },
        { type: 'context', text: r.process.url },
      ],
    };
  },
};
