// Alerts: after a poll, each alertable new item that matches an alert subscription is put
// in the outbox under a key unique to (target, item), so it is delivered once however
// often this runs. Once an item's alerts are in the outbox it is marked `alerted`; an item
// stored but never marked (the process died between the two) is picked up by
// recoverUnalertedItems, at start and on every poll pass. The keys make a second pass over
// the same item a no-op, so recovery may race a live replica safely.
import type { OutboundMessage } from './delivery/types.ts';
import { matchesFilter } from './digest/filter.ts';
import type { StoredItem } from './model.ts';
import { targetKey } from './model.ts';
import type { NewOutboxEntry, Store } from './store/types.ts';

export async function enqueueAlerts(store: Store, added: StoredItem[]): Promise<number> {
  const fresh = added.filter((item) => item.alertable);
  if (!fresh.length) return 0;
  const subs = await store.listSubscriptions({ mode: 'alert' });
  const entries: NewOutboxEntry[] = [];
  for (const sub of subs) {
    for (const item of fresh) {
      if (!matchesFilter(item, sub.filter)) continue;
      const payload: OutboundMessage = { kind: 'alert', item, subscriptionId: sub.id };
      entries.push({
        key: `alert:${targetKey(sub.target)}:${item.id}`,
        target: sub.target,
        kind: 'alert',
        payload,
      });
    }
  }
  const n = entries.length ? await store.enqueue(entries) : 0;
  await store.markAlerted(fresh.map((i) => i.id));
  return n;
}

/** Items stored less than this long ago may still be on their way to enqueueAlerts. */
export const RECOVERY_GRACE_MS = 2 * 60_000;
const RECOVERY_PAGE = 500;

/**
 * Alert the alertable items whose alerts were never enqueued: all of them at start
 * (`seenBefore` unset), else only those first seen before `seenBefore`. Returns how many
 * items were recovered.
 */
export async function recoverUnalertedItems(
  store: Store,
  opts: { seenBefore?: Date; maxItems?: number } = {},
): Promise<number> {
  const maxItems = opts.maxItems ?? 10_000;
  let recovered = 0;
  let afterId = 0;
  while (recovered < maxItems) {
    const page = await store.listItems({
      unalertedOnly: true,
      afterId,
      ...(opts.seenBefore ? { seenUntil: opts.seenBefore.toISOString() } : {}),
      order: 'id-asc',
      limit: Math.min(RECOVERY_PAGE, maxItems - recovered),
    });
    if (!page.length) break;
    await enqueueAlerts(store, page);
    recovered += page.length;
    afterId = page[page.length - 1]!.id;
    if (page.length < RECOVERY_PAGE) break;
  }
  return recovered;
}
