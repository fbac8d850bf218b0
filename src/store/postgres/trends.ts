import type pg from 'pg';
import { isoBound, type TrendQuery, type TrendRow, type TrendStore } from '../types-trends.ts';

/**
 * Items keep themes and regions as arrays; items_trend (migration 131) covers (published)
 * with them and the feed, so the period is read from the index alone and unnested.
 */
export function postgresTrends(pool: pg.Pool): TrendStore {
  return {
    async count(q: TrendQuery): Promise<TrendRow[]> {
      const column = q.split === 'theme' ? 'themes' : 'regions';
      const own = q.split === 'theme' ? q.themes : q.regions?.map((r) => r.toUpperCase());
      const cross = q.split === 'theme' ? q.regions?.map((r) => r.toUpperCase()) : q.themes;
      const crossColumn = q.split === 'theme' ? 'regions' : 'themes';
      const args: unknown[] = [isoBound(q.since), isoBound(q.until)];
      const where = ['i.published >= $1', 'i.published < $2'];
      if (own?.length) {
        args.push(own);
        where.push(`${q.split === 'region' ? 'upper(s.tag)' : 's.tag'} = ANY($${args.length})`);
      }
      if (q.sources?.length) {
        args.push(q.sources);
        where.push(`i.feed_id = ANY($${args.length})`);
      }
      if (cross?.length) {
        args.push(cross);
        where.push(`i.${crossColumn} && $${args.length}::text[]`);
      }
      const series = q.split === 'region' ? 'upper(s.tag)' : 's.tag';
      const sql = `SELECT substr(i.published, 1, 10) AS day, ${series} AS series, count(*)::int AS count
        FROM items i CROSS JOIN LATERAL unnest(i.${column}) AS s(tag)
        WHERE ${where.join(' AND ')} GROUP BY 1, 2 ORDER BY 1, 2`;
      return (await pool.query<TrendRow>(sql, args)).rows;
    },
  };
}
