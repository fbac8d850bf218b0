import type Database from 'better-sqlite3';
import type { EvidenceDayRow, EvidenceStore } from '../types-evidence.ts';

interface Row {
  source: string;
  query: string;
  country: string;
  day: string;
  payload: string;
  fetched_at: string;
}

export function sqliteEvidence(db: Database.Database): EvidenceStore {
  return {
    async getDays(source, query, country, fromDay, untilDay) {
      const rows = db
        .prepare(
          `SELECT * FROM evidence_days WHERE source = ? AND query = ? AND country = ? AND day >= ? AND day <= ?
           ORDER BY day`,
        )
        .all(source, query, country, fromDay, untilDay) as Row[];
      return rows.map(fromRow);
    },
    async putDays(rows) {
      const stmt = db.prepare(
        `INSERT INTO evidence_days (source, query, country, day, payload, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(source, query, country, day) DO UPDATE SET payload = excluded.payload, fetched_at = excluded.fetched_at`,
      );
      db.transaction(() => {
        for (const r of rows)
          stmt.run(r.source, r.query, r.country, r.day, JSON.stringify(r.payload), r.fetchedAt);
      })();
    },
  };
}

function fromRow(r: Row): EvidenceDayRow {
  return {
    source: r.source,
    query: r.query,
    country: r.country,
    day: r.day,
    payload: JSON.parse(r.payload) as unknown,
    fetchedAt: r.fetched_at,
  };
}
