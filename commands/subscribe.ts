import type { CommandDef } from '../src/chat/types.ts';
import { isEmptyFilter } from '../src/digest/filter.ts';
import { UserError, type SubscriptionFilter } from '../src/model.ts';
import {
  keywordsOption,
  listOption,
  regionsOption,
  scheduleCron,
  scheduleOptions,
  stringOption,
  themesOption,
  timeOption,
  timezoneOption,
} from './lib/options.ts';
import { subscribeFeed } from './lib/feed-subscription.ts';
import { describeSubscription, scopeTarget } from './lib/targets.ts';

export const subscribe: CommandDef = {
  name: 'subscribe',
  description: 'Follow themes, regions, sources or keywords as a digest or as alerts',
  help:
    'Subscribe this channel (admins) or yourself (scope: me, delivered by direct message) to `themes` ' +
    '(comma-separated ids, see /themes), `regions` (CN, RU, EU, …), `sources` (feed ids) and/or `keywords` ' +
    '(`-word` or `-"a phrase"` leaves out what mentions it). ' +
    '`mode` digest (default: daily at `time` 08:00 in `timezone`, or `frequency` weekly on `day`) or alert ' +
    '(posted as soon as a matching item arrives) or feed (a private Atom / JSON Feed address to read elsewhere). ' +
    'Give at least one filter.',
  permission: 'anyone',
  options: [
    { name: 'themes', description: 'Theme ids, comma-separated', type: 'string', autocomplete: 'theme' },
    {
      name: 'regions',
      description: 'Region codes, comma-separated (CN, RU, EU…)',
      type: 'string',
      autocomplete: 'region',
    },
    { name: 'sources', description: 'Feed ids, comma-separated', type: 'string', autocomplete: 'source' },
    {
      name: 'keywords',
      description: 'Words or "quoted phrases", comma-separated; -word or -"a phrase" excludes',
      type: 'string',
    },
    {
      name: 'mode',
      description: 'Digest, alerts, or a private feed (Atom / JSON Feed URL)',
      type: 'string',
      choices: [
        { name: 'digest', value: 'digest' },
        { name: 'alert', value: 'alert' },
        { name: 'feed', value: 'feed' },
      ],
    },
    ...scheduleOptions(),
    {
      name: 'scope',
      description: 'This channel (admins) or me (by direct message)',
      type: 'string',
      choices: [
        { name: 'channel', value: 'channel' },
        { name: 'me', value: 'me' },
      ],
    },
  ],
  async run(ctx) {
    const { keywords, exclude } = keywordsOption(ctx.options, 'keywords');
    const filter: SubscriptionFilter = {
      themes: themesOption(ctx.options, 'themes'),
      regions: regionsOption(ctx.options, 'regions'),
      sources: listOption(ctx.options, 'sources'),
      keywords,
      ...(exclude.length ? { exclude } : {}),
    };
    // Exclusions alone are a filter too: "everything but football".
    if (isEmptyFilter(filter)) {
      throw new UserError('no-filter', 'give at least one of themes, regions, sources or keywords');
    }
    if (filter.sources.length) {
      const known = new Set((await ctx.store.listFeeds()).map((f) => f.id));
      const unknown = filter.sources.filter((s) => !known.has(s));
      if (unknown.length) {
        throw new UserError(
          'unknown-source',
          `unknown source ${unknown.join(', ')}: see /feeds list for the ids`,
        );
      }
    }
    const mode = (stringOption(ctx.options, 'mode') ?? 'digest').toLowerCase();
    if (mode === 'feed')
      return subscribeFeed(ctx, scopeTarget(ctx, stringOption(ctx.options, 'scope')), filter);
    if (mode !== 'digest' && mode !== 'alert')
      throw new UserError('bad-option', '`mode` is digest, alert or feed');
    const target = scopeTarget(ctx, stringOption(ctx.options, 'scope'));
    let timezone = timezoneOption(ctx.options, 'timezone', ctx.config.timezone);
    let cron =
      mode === 'digest'
        ? scheduleCron(
            stringOption(ctx.options, 'frequency'),
            timeOption(ctx.options),
            stringOption(ctx.options, 'day'),
          )
        : null;
    // A target has one digest schedule (the scheduler follows its oldest digest
    // subscription), so a new digest subscription either joins the existing schedule (no
    // schedule options given) or moves the target's other digest subscriptions to its own.
    let rescheduled = 0;
    if (cron !== null) {
      const existing = (await ctx.store.listSubscriptions({ target, mode: 'digest' })).sort(
        (a, b) => a.id - b.id,
      );
      const current = existing[0];
      const explicit = ['frequency', 'time', 'day', 'timezone'].some((k) => stringOption(ctx.options, k));
      if (current && !explicit) {
        cron = current.cron ?? cron;
        timezone = current.timezone;
      } else if (current && (current.cron !== cron || current.timezone !== timezone)) {
        for (const other of existing) await ctx.store.updateSubscriptionSchedule(other.id, cron, timezone);
        rescheduled = existing.length;
      }
    }
    const sub = await ctx.store.addSubscription({
      target,
      filter,
      mode,
      cron,
      timezone,
      createdBy: ctx.caller.id,
    });
    const where = target.kind === 'user' ? 'You are' : 'This channel is';
    return {
      ephemeral: true,
      blocks: [
        { type: 'paragraph', text: `${where} subscribed: ${describeSubscription(sub)}.` },
        ...(rescheduled
          ? [
              {
                type: 'paragraph' as const,
                text: `${rescheduled} earlier digest subscription(s) here now follow this schedule too (one digest per place).`,
              },
            ]
          : []),
        { type: 'context', text: `Undo with /unsubscribe id:${sub.id}` },
      ],
    };
  },
};
