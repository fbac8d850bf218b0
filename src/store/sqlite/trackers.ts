import type Database from 'better-sqlite3';
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

export function sqliteTrackers(db: Database.Database, now: () => Date): TrackerStore {
  return {
    async upsert(p) {
      db.prepare(
        `INSERT INTO tracked_processes (id, kind, source, title, url, state, deadline, updated_at, history, themes,
           regions, details, poll_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, source = excluded.source, title = excluded.title,
           url = excluded.url, state = excluded.state, deadline = excluded.deadline, updated_at = excluded.updated_at,
           history = excluded.history, themes = excluded.themes, regions = excluded.regions,
           details = excluded.details, poll_state = excluded.poll_state`,
      ).run(...processValues(p));
    },
    async get(id) {
      const row = db.prepare('SELECT * FROM tracked_processes WHERE id = ?').get(id) as
        ProcessRow | undefined;
      return row ? processFromRow(row) : null;
    },
    async list(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.source) {
        where.push('source = ?');
        args.push(filter.source);
      }
      if (filter.kind) {
        where.push('kind = ?');
        args.push(filter.kind);
      }
      const sql = `SELECT * FROM tracked_processes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${PROCESS_ORDER}`;
      return (db.prepare(sql).all(...args) as ProcessRow[]).map(processFromRow);
    },
    async remove(id) {
      return db.prepare('DELETE FROM tracked_processes WHERE id = ?').run(id).changes > 0;
    },
    async follow(f) {
      const key = targetKey(f.target);
      const existing = db
        .prepare('SELECT 1 FROM tracker_follows WHERE process_id = ? AND target_key = ?')
        .get(f.processId, key);
      db.prepare(
        `INSERT INTO tracker_follows (process_id, target_key, target, reminder_days, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(process_id, target_key) DO UPDATE SET reminder_days = excluded.reminder_days`,
      ).run(
        f.processId,
        key,
        JSON.stringify(f.target),
        JSON.stringify(f.reminderDays),
        f.createdBy,
        f.createdAt ?? now().toISOString(),
      );
      return !existing;
    },
    async unfollow(processId, target) {
      return (
        db
          .prepare('DELETE FROM tracker_follows WHERE process_id = ? AND target_key = ?')
          .run(processId, targetKey(target)).changes > 0
      );
    },
    async listFollows(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.processId) {
        where.push('process_id = ?');
        args.push(filter.processId);
      }
      if (filter.target) {
        where.push('target_key = ?');
        args.push(targetKey(filter.target));
      }
      const sql = `SELECT * FROM tracker_follows ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY process_id, target_key`;
      return (db.prepare(sql).all(...args) as FollowRow[]).map(followFromRow);
    },
  };
}
