import type Database from 'better-sqlite3';
import { targetKey } from '../../model.ts';
import type { FeedToken, FeedTokenStore } from '../types-feed-tokens.ts';

interface Row {
  id: number;
  target: string;
  filter: string;
  created_by: string;
  created_at: string;
}

const fromRow = (r: Row): FeedToken => ({
  id: r.id,
  target: JSON.parse(r.target) as FeedToken['target'],
  filter: JSON.parse(r.filter) as FeedToken['filter'],
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export function sqliteFeedTokens(db: Database.Database, now: () => Date): FeedTokenStore {
  return {
    async create(t) {
      const createdAt = now().toISOString();
      const res = db
        .prepare(
          `INSERT INTO feed_tokens (token_hash, target_key, target, filter, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          t.tokenHash,
          targetKey(t.target),
          JSON.stringify(t.target),
          JSON.stringify(t.filter),
          t.createdBy,
          createdAt,
        );
      return {
        id: Number(res.lastInsertRowid),
        target: t.target,
        filter: t.filter,
        createdBy: t.createdBy,
        createdAt,
      };
    },
    async findByHash(hash) {
      const row = db.prepare('SELECT * FROM feed_tokens WHERE token_hash = ?').get(hash) as Row | undefined;
      return row ? fromRow(row) : null;
    },
    async list(filter = {}) {
      const rows = filter.target
        ? db
            .prepare('SELECT * FROM feed_tokens WHERE target_key = ? ORDER BY id')
            .all(targetKey(filter.target))
        : db.prepare('SELECT * FROM feed_tokens ORDER BY id').all();
      return (rows as Row[]).map(fromRow);
    },
    async revoke(id) {
      return db.prepare('DELETE FROM feed_tokens WHERE id = ?').run(id).changes > 0;
    },
  };
}
