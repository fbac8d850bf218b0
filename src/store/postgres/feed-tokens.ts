import type pg from 'pg';
import { targetKey } from '../../model.ts';
import type { FeedToken, FeedTokenStore } from '../types-feed-tokens.ts';

interface Row {
  id: string | number;
  target: FeedToken['target'];
  filter: FeedToken['filter'];
  created_by: string;
  created_at: string;
}

const fromRow = (r: Row): FeedToken => ({
  id: Number(r.id),
  target: r.target,
  filter: r.filter,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export function postgresFeedTokens(pool: pg.Pool, now: () => Date): FeedTokenStore {
  return {
    async create(t) {
      const createdAt = now().toISOString();
      const r = await pool.query<{ id: string }>(
        `INSERT INTO feed_tokens (token_hash, target_key, target, filter, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          t.tokenHash,
          targetKey(t.target),
          JSON.stringify(t.target),
          JSON.stringify(t.filter),
          t.createdBy,
          createdAt,
        ],
      );
      return {
        id: Number(r.rows[0]!.id),
        target: t.target,
        filter: t.filter,
        createdBy: t.createdBy,
        createdAt,
      };
    },
    async findByHash(hash) {
      const r = await pool.query<Row>('SELECT * FROM feed_tokens WHERE token_hash = $1', [hash]);
      return r.rows[0] ? fromRow(r.rows[0]) : null;
    },
    async list(filter = {}) {
      const r = filter.target
        ? await pool.query<Row>('SELECT * FROM feed_tokens WHERE target_key = $1 ORDER BY id', [
            targetKey(filter.target),
          ])
        : await pool.query<Row>('SELECT * FROM feed_tokens ORDER BY id');
      return r.rows.map(fromRow);
    },
    async revoke(id) {
      return ((await pool.query('DELETE FROM feed_tokens WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
  };
}
