// A minimal in-memory outbox following the SQLite store's outbox semantics (attempts counted
// at claim), for worker tests
// that need to control failures precisely. The real SQLite store is exercised in
// worker-sqlite.test.ts and the crash test.
import type { NewOutboxEntry, OutboxEntry, OutboxResult, Store } from '../../src/store/types.ts';

export interface MemoryOutbox {
  store: Store;
  rows: OutboxEntry[];
}

export function memoryOutbox(): MemoryOutbox {
  const rows: OutboxEntry[] = [];
  let nextId = 1;
  const outbox = {
    kind: 'sqlite' as const,
    async enqueue(entries: NewOutboxEntry[]): Promise<number> {
      let added = 0;
      for (const e of entries) {
        if (rows.some((r) => r.key === e.key)) continue;
        rows.push({
          ...e,
          id: nextId++,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: new Date(0).toISOString(),
          lastError: null,
          claimedBy: null,
          claimedUntil: null,
          sentRefs: [],
          createdAt: new Date(0).toISOString(),
          sentAt: null,
        });
        added++;
      }
      return added;
    },
    async claimOutbox(owner: string, now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
      const due = rows.filter(
        (r) =>
          (r.status === 'pending' && Date.parse(r.nextAttemptAt) <= now.getTime()) ||
          (r.status === 'sending' && r.claimedUntil !== null && Date.parse(r.claimedUntil) <= now.getTime()),
      );
      return due.slice(0, limit).map((r) => {
        r.status = 'sending';
        r.attempts++;
        r.claimedBy = owner;
        r.claimedUntil = new Date(now.getTime() + leaseMs).toISOString();
        return structuredClone(r);
      });
    },
    async completeOutbox(id: number, owner: string, result: OutboxResult): Promise<void> {
      const r = rows.find((x) => x.id === id);
      if (!r || r.claimedBy !== owner || r.status !== 'sending') return;
      r.claimedBy = null;
      r.claimedUntil = null;
      if (result.ok) {
        r.status = 'sent';
        r.sentRefs = result.sentRefs;
        r.sentAt = new Date().toISOString();
      } else if (result.retryAt === null) {
        r.status = 'failed';
        r.lastError = result.error;
      } else {
        r.status = 'pending';
        r.lastError = result.error;
        r.nextAttemptAt = result.retryAt;
      }
    },
  };
  return { store: outbox as unknown as Store, rows };
}
