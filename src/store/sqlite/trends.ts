import type Database from 'better-sqlite3';
import { isoBound, type TrendQuery, type TrendRow, type TrendStore } from '../types-trends.ts';

const marks = (n: number): string => new Array(n).fill('?').join(',');

/**
 * item_tags (migration 131, kept by triggers on items) holds one row per item and tag with
 * the item's date and feed, indexed by (kind, published, tag, feed_id): the count reads
 * only that index over the period.
 */
export function sqliteTrends(db: Database.Database): TrendStore {
  return {
    async count(q: TrendQuery): Promise<TrendRow[]> {
      const other = q.split === 'theme' ? 'region' : 'theme';
      const own = q.split === 'theme' ? q.themes : q.regions?.map((r) => r.toUpperCase());
      const cross = q.split === 'theme' ? q.regions?.map((r) => r.toUpperCase()) : q.themes;
      const where = ['t.kind = ?', 't.published >= ?', 't.published < ?'];
      const args: unknown[] = [q.split, isoBound(q.since), isoBound(q.until)];
      if (own?.length) {
        where.push(`t.tag IN (${marks(own.length)})`);
        args.push(...own);
      }
      if (q.sources?.length) {
        where.push(`t.feed_id IN (${marks(q.sources.length)})`);
        args.push(...q.sources);
      }
      if (cross?.length) {
        where.push(
          `EXISTS (SELECT 1 FROM item_tags c WHERE c.item_id = t.item_id AND c.kind = ? AND c.tag IN (${marks(cross.length)}))`,
        );
        args.push(other, ...cross);
      }
      const sql = `SELECT substr(t.published, 1, 10) AS day, t.tag AS series, count(*) AS count
        FROM item_tags t WHERE ${where.join(' AND ')} GROUP BY day, series ORDER BY day, series`;
      return db.prepare(sql).all(...args) as TrendRow[];
    },
  };
}
