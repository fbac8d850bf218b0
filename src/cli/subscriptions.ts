// `govwatch subscriptions list|remove`: every target's subscriptions, the terminal's too.
import { describeSubscription } from '../../commands/lib/targets.ts';
import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { TERMINAL_SUBSCRIPTION_REMOVED } from '../platforms/console/index.ts';
import { UserError } from '../model.ts';
import type { Target } from '../model.ts';
import { out, printJson } from './output.ts';

/** Where a subscription delivers, in words. */
export function describeTarget(t: Target): string {
  if (t.platform === 'console') return 'the terminal';
  const where = t.workspaceId ? ` (${t.platform === 'discord' ? 'guild' : 'team'} ${t.workspaceId})` : '';
  return t.kind === 'user'
    ? `${t.platform} user ${t.channelId} by direct message${where}`
    : `${t.platform} channel ${t.channelId}${where}`;
}

export async function subscriptionsList(config: Config, opts: { json?: boolean }): Promise<void> {
  const store = await openArchiveForReading(config);
  try {
    const subs = await store.listSubscriptions();
    if (opts.json) {
      printJson(subs);
      return;
    }
    const defaults = { cron: config.digestCron, timezone: config.timezone };
    for (const sub of subs) out(`${describeSubscription(sub, defaults)} → ${describeTarget(sub.target)}`);
    out(`${subs.length} subscription(s)`);
  } finally {
    await store.close();
  }
}

export async function subscriptionsRemove(config: Config, id: number): Promise<void> {
  const store = await openArchiveForReading(config);
  try {
    const sub = (await store.listSubscriptions()).find((s) => s.id === id);
    if (!sub || !(await store.removeSubscription(id))) {
      throw new UserError('not-found', `no subscription #${id} (see govwatch subscriptions list)`);
    }
    out(
      `removed ${describeSubscription(sub, { cron: config.digestCron, timezone: config.timezone })} → ${describeTarget(sub.target)}`,
    );
    if (
      sub.target.platform === 'console' &&
      !(await store.listSubscriptions({ target: sub.target })).length
    ) {
      // Otherwise the next terminal-mode start would give the terminal its default digest again.
      await store.settings.set(TERMINAL_SUBSCRIPTION_REMOVED, new Date().toISOString());
      out('the terminal gets no digest from now on');
    }
  } finally {
    await store.close();
  }
}
