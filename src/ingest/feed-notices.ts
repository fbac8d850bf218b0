// A feed added from chat tells the place that added it when it keeps failing, and again
// when it works again: once each per failure spell. Operator feeds are the operator's
// business (logs, `feeds list`, /healthz); chat users cannot read those.
//
// Where to tell is remembered at `/feeds add` (a setting per feed, so no schema change).
// Notices go through the outbox; their keys name the feed and the spell (its last success
// before the failures), so a crash or a second replica repeats nothing.
import type { OutboundMessage } from '../delivery/types.ts';
import type { Logger } from '../log.ts';
import type { FeedRecord, Target } from '../model.ts';
import type { Store } from '../store/types.ts';
import type { FeedPollResult } from './poll.ts';

interface NoticeState {
  /** The channel (or direct messages) where the feed was added. */
  target: Target;
  /** The failure spell already announced (its last success, or `never`); null: none. */
  announced: string | null;
}

const keyOf = (feedId: string): string => `feed-notices:${feedId}`;

/** Remember where a chat-added feed was added, for its failure and recovery notices. */
export async function rememberFeedAdder(store: Store, feedId: string, target: Target): Promise<void> {
  const state: NoticeState = { target, announced: null };
  await store.settings.set(keyOf(feedId), JSON.stringify(state));
}

export async function forgetFeedAdder(store: Store, feedId: string): Promise<void> {
  await store.settings.delete(keyOf(feedId));
}

function parseState(raw: string | null): NoticeState | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<NoticeState>;
    return s.target && typeof s.target.channelId === 'string'
      ? { target: s.target, announced: s.announced ?? null }
      : null;
  } catch {
    return null;
  }
}

function since(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never';
}

function failingText(feed: FeedRecord): string {
  return [
    `⚠️ The feed ${feed.id} (${feed.name}) has failed ${feed.state.consecutiveFailures} times in a row.`,
    `Last error: ${feed.state.lastError ?? 'unknown'}`,
    `Last success: ${since(feed.state.lastSuccessAt)}. It is retried less and less often; ` +
      `/feeds pause ${feed.id} or /feeds remove ${feed.id} stops it.`,
    feed.url,
  ].join('\n');
}

function recoveredText(feed: FeedRecord): string {
  return `✅ The feed ${feed.id} (${feed.name}) works again.\n${feed.url}`;
}

function text(t: string): OutboundMessage {
  return { kind: 'text', text: t };
}

/**
 * After a poll pass: for each chat-added feed polled in it, a notice when its failures
 * reach `after` in a row (once per spell), and one when a feed so announced succeeds.
 * Returns the notices enqueued. Never throws: a failure here is logged, polling goes on.
 */
export async function noticeFeedHealth(
  store: Store,
  results: readonly FeedPollResult[],
  opts: { after: number; logger: Logger },
): Promise<number> {
  let sent = 0;
  try {
    // Only chat-added feeds whose place is known, and only when their state flips: most
    // passes read one setting per chat-added feed and nothing else.
    for (const r of results) {
      if (r.origin !== 'chat') continue;
      const state = parseState(await store.settings.get(keyOf(r.feedId)));
      if (!state || (r.status === 'failed') === (state.announced !== null)) continue;
      const feed = await store.getFeed(r.feedId);
      if (!feed) continue;
      if (r.status === 'failed' && feed.state.consecutiveFailures < opts.after) continue;
      // A failure spell is named by the last success before it.
      const spell = feed.state.lastSuccessAt ?? 'never';
      const notice =
        r.status === 'failed'
          ? { key: `feed-failing:${feed.id}:${spell}`, text: failingText(feed), announced: spell }
          : {
              key: `feed-recovered:${feed.id}:${state.announced}`,
              text: recoveredText(feed),
              announced: null,
            };
      sent += await store.enqueue([
        { key: notice.key, target: state.target, kind: 'alert', payload: text(notice.text) },
      ]);
      const next: NoticeState = { ...state, announced: notice.announced };
      await store.settings.set(keyOf(feed.id), JSON.stringify(next));
    }
  } catch (err) {
    opts.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'feed notices failed');
  }
  return sent;
}
