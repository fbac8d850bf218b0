import type pg from 'pg';
import type { EvidenceDayRow, EvidenceStore } from '../types-evidence.ts';

interface Row {
  source: string;
  query: string;
  country: string;
  day: string;
  payload: unknown;
  fetched_at: string;
}

export function postgresEvidence(pool: pg.Pool): EvidenceStore {
  return {
    async getDays(source, query, country, fromDay, untilDay) {
      const r = await pool.query<Row>(
        `SELECT source, query, country, day, payload, fetched_at FROM evidence_days
         WHERE source = $1 AND query = $2 AND country = $3 AND day >= $4 AND day <= $5 ORDER BY day`,
        [source, query, country, fromDay, untilDay],
      );
      return r.rows.map((row): EvidenceDayRow => ({
        source: row.source,
        query: row.query,
        country: row.country,
        day: row.day,
        payload: row.payload,
        fetchedAt: row.fetched_at,
      }));
    },
    async putDays(rows) {
      if (!rows.length) return;
      await pool.query(
        `INSERT INTO evidence_days (source, query, country, day, payload, fetched_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
         ON CONFLICT (source, query, country, day) DO UPDATE SET payload = EXCLUDED.payload, fetched_at = EXCLUDED.fetched_at`,
        [
          rows.map((r) => r.source),
          rows.map((r) => r.query),
          rows.map((r) => r.country),
          rows.map((r) => r.day),
          rows.map((r) => JSON.stringify(r.payload)),
          rows.map((r) => r.fetchedAt),
        ],
      );
    },
  };
}
