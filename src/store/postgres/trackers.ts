import type pg from 'pg';
import { targetKey } from '../../model.ts';
import {
  followFromRow,
  PROCESS_ORDER,
  processFromRow,
  processValues,
  type FollowRow,
  type ProcessRow,
} from '../../trackers/rows.ts';
import type { TrackerStore } from '../../trackers/types.ts';

export function postgresTrackers(pool: pg.Pool, now: () => Date): TrackerStore {
  return {
    async upsert(p) {
      await pool.query(
        `INSERT INTO tracked_processes (id, kind, source, title, url, state, deadline, updated_at, history, themes,
           regions, details, poll_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, source = EXCLUDED.source, title = EXCLUDED.title,
           url = EXCLUDED.url, state = EXCLUDED.state, deadline = EXCLUDED.deadline, updated_at = EXCLUDED.updated_at,
           history = EXCLUDED.history, themes = EXCLUDED.themes, regions = EXCLUDED.regions,
           details = EXCLUDED.details, poll_state = EXCLUDED.poll_state`,
        processValues(p),
      );
    },
    async get(id) {
      const r = await pool.query<ProcessRow>('SELECT * FROM tracked_processes WHERE id = $1', [id]);
      return r.rows[0] ? processFromRow(r.rows[0]) : null;
    },
    async list(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.source) {
        args.push(filter.source);
        where.push(`source = $${args.length}`);
      }
      if (filter.kind) {
        args.push(filter.kind);
        where.push(`kind = $${args.length}`);
      }
      const r = await pool.query<ProcessRow>(
        `SELECT * FROM tracked_processes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${PROCESS_ORDER}`,
        args,
      );
      return r.rows.map(processFromRow);
    },
    async remove(id) {
      return ((await pool.query('DELETE FROM tracked_processes WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async follow(f) {
      // xmax = 0 only on a freshly inserted row: tells a new follow from an updated one.
      const r = await pool.query<{ inserted: boolean }>(
        `INSERT INTO tracker_follows (process_id, target_key, target, reminder_days, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (process_id, target_key) DO UPDATE SET reminder_days = EXCLUDED.reminder_days
         RETURNING (xmax = 0) AS inserted`,
        [
          f.processId,
          targetKey(f.target),
          JSON.stringify(f.target),
          JSON.stringify(f.reminderDays),
          f.createdBy,
          f.createdAt ?? now().toISOString(),
        ],
      );
      return r.rows[0]?.inserted ?? false;
    },
    async unfollow(processId, target) {
      const r = await pool.query('DELETE FROM tracker_follows WHERE process_id = $1 AND target_key = $2', [
        processId,
        targetKey(target),
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    async listFollows(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.processId) {
        args.push(filter.processId);
        where.push(`process_id = $${args.length}`);
      }
      if (filter.target) {
        args.push(targetKey(filter.target));
        where.push(`target_key = $${args.length}`);
      }
      const r = await pool.query<FollowRow>(
        `SELECT * FROM tracker_follows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY process_id, target_key`,
        args,
      );
      return r.rows.map(followFromRow);
    },
  };
}
