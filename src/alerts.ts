// Alerts: after a poll, each alertable new item that matches an alert subscription is put
// in the outbox under a key unique to (target, item), so it is delivered once however
// often this runs. A theme filter matches only the item's confident themes when the tagger
// marked them (the learned layer's precision threshold, docs/tagging.md): a wrong alert
// costs more than a wrong digest line. Items without the mark (rules-only tagger, items
// read back from the archive) match on all their themes.
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
      if (!matchesFilter(alertView(item), sub.filter)) continue;
      const payload: OutboundMessage = { kind: 'alert', item, subscriptionId: sub.id };
      entries.push({
        key: `alert:${targetKey(sub.target)}:${item.id}`,
        target: sub.target,
        kind: 'alert',
        payload,
      });
    }
  }
  return entries.length ? store.enqueue(entries) : 0;
}

/** The item as alert filters see it: its confident themes only, when it has that mark. */
export function alertView(item: StoredItem): StoredItem {
  return item.confident ? { ...item, themes: item.confident } : item;
}
