// `govwatch db copy --to <url>`: move a SQLite archive into PostgreSQL.
//
// The SQLite file is read directly (read-only) so everything moves, with its ids: feeds
// with their polling state, items with themes/regions/why and cluster ids, subscriptions,
// the outbox and the digest marks. Everything is written in ONE PostgreSQL transaction and
// the row counts of every table are compared before it commits, so a copy either arrives
// whole or not at all. The search index is rebuilt from each item's title and summary with
// the shared tokenizer. Named locks are not copied: they are leases of a running process.
//
// The column mapping between the two schemas lives in this file only (the SQL below).
import Database from 'better-sqlite3';
import type { Logger } from '../log.ts';
import { UserError } from '../model.ts';
import { openPostgresStoreImpl } from './postgres/index.ts';
import { stripNul } from './postgres/rows.ts';
import { insertItemRows, type ItemInsert } from './postgres/store.ts';
import { taggedItemFromRow } from './rows-common.ts';
import {
  SQLITE_COLUMNS,
  type FeedTableRow as SqliteFeedRow,
  type ItemTableRow as SqliteItemRow,
  type OutboxRow,
  type SubscriptionRow,
} from './sqlite/rows.ts';

export interface CopyOptions {
  /** Called after every batch with rows copied so far and rows to copy in all. */
  onProgress?: (done: number, total: number) => void;
  /** Items per INSERT (default 1000). */
  batchSize?: number;
  logger?: Logger;
}

export interface CopyReport {
  /** Rows per table in the SQLite source and in PostgreSQL after the copy (equal on success). */
  counts: Record<CopiedTable, { source: number; target: number }>;
  ms: number;
}

export type CopiedTable =
  | 'feeds'
  | 'items'
  | 'subscriptions'
  | 'digest_marks'
  | 'outbox'
  | 'settings'
  | 'tracked_processes'
  | 'tracker_follows'
  | 'feed_tokens'
  | 'evidence_days';
const TABLES: CopiedTable[] = [
  'feeds',
  'items',
  'subscriptions',
  'digest_marks',
  'outbox',
  'settings',
  'tracked_processes',
  'tracker_follows',
  'feed_tokens',
  'evidence_days',
];

/** The SQLite schema versions this mapping was written for. */
// 90 (story index) holds derived data only: not copied, rebuilt lazily for the recent window.
// 131 (item_tags) is derived from items by triggers: not copied (PostgreSQL reads items).
// 150 (recent story keys) is part of the story index: not copied either.
// 160 (index on items(id, published)) adds no data.
// 170 (item_time, derived from items by triggers; FTS5 usermerge) is not copied either.
export const KNOWN_SQLITE_VERSIONS = [1, 2, 80, 81, 82, 85, 90, 110, 120, 130, 131, 140, 150, 160, 170, 180];

/** A SQLite archive: a file path, or an open SQLite store (anything with its better-sqlite3 handle). */
export type CopySource = string | { kind: 'sqlite'; db: Database.Database };

export async function copyStore(
  from: CopySource,
  toUrl: string,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  const started = Date.now();
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const ownHandle = typeof from === 'string';
  const src = typeof from === 'string' ? openSource(from) : from.db;
  try {
    checkSourceSchema(src);
    const sourceCounts = countSource(src);
    const total = TABLES.reduce((s, t) => s + sourceCounts[t], 0);
    let done = 0;
    const progress = (n: number) => {
      done += n;
      opts.onProgress?.(done, total);
    };
    opts.onProgress?.(0, total);

    const store = await openPostgresStoreImpl(toUrl, opts.logger, { maxConnections: 1 });
    try {
      const counts = await store.tx(async (c) => {
        const existing = await c.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM feeds) + (SELECT count(*) FROM items) + (SELECT count(*) FROM subscriptions)
             + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM digest_marks) + (SELECT count(*) FROM settings)
             + (SELECT count(*) FROM tracked_processes) + (SELECT count(*) FROM tracker_follows)
             + (SELECT count(*) FROM feed_tokens)
             + (SELECT count(*) FROM evidence_days) AS n`,
        );
        if (Number(existing.rows[0]?.n ?? 0) > 0) {
          throw new UserError(
            'copy_target_not_empty',
            'the PostgreSQL archive already holds data; copy into an empty database',
          );
        }

        // Feeds, with polling state. Leases are not copied: no replica holds anything yet.
        for (const batch of batches(src.prepare('SELECT * FROM feeds ORDER BY id').iterate(), batchSize)) {
          const rows = batch as SqliteFeedRow[];
          await c.query(
            `INSERT INTO feeds (id, name, url, kind, language, themes, origin, etag, last_modified, last_check_at,
               last_success_at, last_error_at, last_error, consecutive_failures, next_check_at, backlog_done, id_mode,
               feed_title, paused_at, paused_by)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[], $15::text[],
               $16::bool[], $17::text[], $18::text[], $19::text[], $20::text[])`,
            [
              col(rows, (r) => r.id),
              col(rows, (r) => r.name),
              col(rows, (r) => r.url),
              col(rows, (r) => r.kind),
              col(rows, (r) => r.language),
              col(rows, (r) => (r.themes === 'null' ? null : r.themes)),
              col(rows, (r) => r.origin),
              col(rows, (r) => r.etag),
              col(rows, (r) => r.last_modified),
              col(rows, (r) => r.last_check_at),
              col(rows, (r) => r.last_success_at),
              col(rows, (r) => r.last_error_at),
              col(rows, (r) => r.last_error),
              col(rows, (r) => r.consecutive_failures),
              col(rows, (r) => r.next_check_at),
              col(rows, (r) => SQLITE_COLUMNS.bool(r.backlog_done)),
              col(rows, (r) => r.id_mode),
              col(rows, (r) => r.feed_title),
              col(rows, (r) => r.paused_at),
              col(rows, (r) => r.paused_by),
            ],
          );
          progress(rows.length);
        }

        // Items, keeping their ids and clusters; the search vector is rebuilt. Secondary
        // indexes are dropped and rebuilt once at the end (much faster than row by row);
        // the unique ones stay, they are what would catch a duplicate.
        const secondary = await c.query<{ name: string; def: string }>(
          `SELECT indexname AS name, indexdef AS def FROM pg_indexes
           WHERE schemaname = current_schema() AND tablename = 'items' AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
        );
        for (const ix of secondary.rows) await c.query(`DROP INDEX ${quoteIdent(ix.name)}`);
        for (const batch of batches(src.prepare('SELECT * FROM items ORDER BY id').iterate(), batchSize)) {
          const rows = (batch as SqliteItemRow[]).map(itemInsert);
          await insertItemRows(c, '', rows);
          progress(rows.length);
        }
        // Copied items keep their alerted marker (new PostgreSQL rows default to unalerted).
        await c.query('UPDATE items SET alerted = true');
        const unalerted = (
          src.prepare('SELECT id FROM items WHERE alertable = 1 AND alerted = 0').all() as Array<{
            id: number;
          }>
        ).map((r) => r.id);
        if (unalerted.length) {
          await c.query('UPDATE items SET alerted = false WHERE id = ANY($1::int[])', [unalerted]);
        }
        await c.query(`SET LOCAL maintenance_work_mem = '256MB'`);
        for (const ix of secondary.rows) await c.query(ix.def);
        await c.query(
          `UPDATE feeds f SET item_count = s.n
           FROM (SELECT feed_id, count(*)::int AS n FROM items GROUP BY feed_id) s
           WHERE f.id = s.feed_id`,
        );

        for (const batch of batches(
          src.prepare('SELECT * FROM subscriptions ORDER BY id').iterate(),
          batchSize,
        )) {
          const rows = batch as SqliteSubscriptionRow[];
          await c.query(
            `INSERT INTO subscriptions (id, target_key, target, filter, mode, cron, timezone, created_by, created_at)
             SELECT * FROM unnest($1::int[], $2::text[], $3::jsonb[], $4::jsonb[], $5::text[], $6::text[], $7::text[],
               $8::text[], $9::text[])`,
            [
              col(rows, (r) => r.id),
              col(rows, (r) => r.target_key),
              col(rows, (r) => r.target),
              col(rows, (r) => r.filter),
              col(rows, (r) => r.mode),
              col(rows, (r) => r.cron),
              col(rows, (r) => r.timezone),
              col(rows, (r) => r.created_by),
              col(rows, (r) => r.created_at),
            ],
          );
          progress(rows.length);
        }

        for (const batch of batches(src.prepare('SELECT * FROM digest_marks').iterate(), batchSize)) {
          const rows = batch as Array<{ target_key: string; last_item_id: number; last_slot: string }>;
          await c.query(
            `INSERT INTO digest_marks (target_key, last_item_id, last_slot)
             SELECT * FROM unnest($1::text[], $2::int[], $3::text[])`,
            [col(rows, (r) => r.target_key), col(rows, (r) => r.last_item_id), col(rows, (r) => r.last_slot)],
          );
          progress(rows.length);
        }

        for (const batch of batches(src.prepare('SELECT * FROM outbox ORDER BY id').iterate(), batchSize)) {
          const rows = batch as SqliteOutboxRow[];
          await c.query(
            `INSERT INTO outbox (id, key, target_key, target, kind, payload, status, attempts, next_attempt_at,
               last_error, claimed_by, claimed_until, sent_refs, created_at, sent_at)
             SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::jsonb[], $7::text[],
               $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[])`,
            [
              col(rows, (r) => r.id),
              col(rows, (r) => r.key),
              col(rows, (r) => r.target_key),
              col(rows, (r) => r.target),
              col(rows, (r) => r.kind),
              col(rows, (r) => stripNul(r.payload)),
              col(rows, (r) => r.status),
              col(rows, (r) => r.attempts),
              col(rows, (r) => r.next_attempt_at),
              col(rows, (r) => r.last_error),
              col(rows, (r) => r.claimed_by),
              col(rows, (r) => r.claimed_until),
              col(rows, (r) => r.sent_refs),
              col(rows, (r) => r.created_at),
              col(rows, (r) => r.sent_at),
            ],
          );
          progress(rows.length);
        }

        for (const batch of batches(src.prepare('SELECT key, value FROM settings').iterate(), batchSize)) {
          const rows = batch as Array<{ key: string; value: string }>;
          await c.query('INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])', [
            col(rows, (r) => r.key),
            col(rows, (r) => r.value),
          ]);
          progress(rows.length);
        }

        // Tracked processes and their follows (JSON text columns become jsonb).
        for (const batch of batches(
          src.prepare('SELECT * FROM tracked_processes ORDER BY id').iterate(),
          batchSize,
        )) {
          const rows = batch as Array<Record<string, string | null>>;
          const cols = ['id', 'kind', 'source', 'title', 'url', 'state', 'deadline', 'updated_at'];
          const jsonCols = ['history', 'themes', 'regions', 'details', 'poll_state'];
          await c.query(
            `INSERT INTO tracked_processes (${[...cols, ...jsonCols].join(', ')})
             SELECT * FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')},
               ${jsonCols.map((_, i) => `$${cols.length + i + 1}::jsonb[]`).join(', ')})`,
            [...cols, ...jsonCols].map((name) => col(rows, (r) => r[name] ?? null)),
          );
          progress(rows.length);
        }
        for (const batch of batches(src.prepare('SELECT * FROM tracker_follows').iterate(), batchSize)) {
          const rows = batch as Array<Record<string, string>>;
          await c.query(
            `INSERT INTO tracker_follows (process_id, target_key, target, reminder_days, created_by, created_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::text[], $6::text[])`,
            ['process_id', 'target_key', 'target', 'reminder_days', 'created_by', 'created_at'].map((name) =>
              col(rows, (r) => r[name]),
            ),
          );
          progress(rows.length);
        }

        // Private feed tokens (hashes only; JSON text columns become jsonb).
        for (const batch of batches(
          src.prepare('SELECT * FROM feed_tokens ORDER BY id').iterate(),
          batchSize,
        )) {
          const rows = batch as Array<Record<string, string | number>>;
          await c.query(
            `INSERT INTO feed_tokens (id, token_hash, target_key, target, filter, created_by, created_at)
             SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[], $7::text[])`,
            ['id', 'token_hash', 'target_key', 'target', 'filter', 'created_by', 'created_at'].map((name) =>
              col(rows, (r) => r[name]),
            ),
          );
          progress(rows.length);
        }

        // The evidence cache: what the evidence APIs answered, kept so it is not asked again.
        for (const batch of batches(src.prepare('SELECT * FROM evidence_days').iterate(), batchSize)) {
          const rows = batch as Array<{
            source: string;
            query: string;
            country: string;
            day: string;
            payload: string;
            fetched_at: string;
          }>;
          await c.query(
            `INSERT INTO evidence_days (source, query, country, day, payload, fetched_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
            [
              col(rows, (r) => r.source),
              col(rows, (r) => r.query),
              col(rows, (r) => r.country),
              col(rows, (r) => r.day),
              col(rows, (r) => stripNul(r.payload)),
              col(rows, (r) => r.fetched_at),
            ],
          );
          progress(rows.length);
        }

        // Explicit ids were inserted: move each identity past the largest, or the next
        // insert would collide with a copied row.
        for (const table of ['items', 'subscriptions', 'outbox', 'feed_tokens']) {
          await c.query(
            `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1,
               false)`,
          );
        }

        const target = await c.query<Record<CopiedTable, string>>(
          `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`,
        );
        const out = {} as CopyReport['counts'];
        for (const t of TABLES)
          out[t] = { source: sourceCounts[t], target: Number(target.rows[0]?.[t] ?? 0) };
        const wrong = TABLES.filter((t) => out[t].source !== out[t].target);
        if (wrong.length) {
          // Throwing here rolls the whole copy back.
          throw new UserError(
            'copy_count_mismatch',
            `copy aborted, nothing was written: row counts differ (${wrong
              .map((t) => `${t}: ${out[t].source} in SQLite, ${out[t].target} in PostgreSQL`)
              .join('; ')})`,
          );
        }
        return out;
      });
      // Fresh statistics for the planner and for search's common-word frequencies; VACUUM
      // also sets the visibility map on the new rows.
      for (const t of TABLES) await store.pool.query(`VACUUM (ANALYZE) ${t}`);
      opts.logger?.info({ counts, ms: Date.now() - started }, 'sqlite archive copied to postgres');
      return { counts, ms: Date.now() - started };
    } finally {
      await store.close();
    }
  } finally {
    if (ownHandle) src.close();
  }
}

function openSource(path: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new UserError('copy_source', `cannot open the SQLite archive ${path}: ${(err as Error).message}`);
  }
}

function checkSourceSchema(db: Database.Database): void {
  let versions: number[];
  try {
    versions = (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    );
  } catch {
    throw new UserError(
      'copy_source',
      'the source is not a govwatch SQLite archive (no schema_migrations table)',
    );
  }
  const unknown = versions.filter((v) => !KNOWN_SQLITE_VERSIONS.includes(v));
  const missing = KNOWN_SQLITE_VERSIONS.filter((v) => !versions.includes(v));
  if (unknown.length || missing.length) {
    throw new UserError(
      'copy_source',
      `the SQLite archive is at schema versions [${versions.join(', ')}], this copy knows [${KNOWN_SQLITE_VERSIONS.join(
        ', ',
      )}]: open it once with this version of govwatch (or update govwatch) and retry`,
    );
  }
}

function countSource(db: Database.Database): Record<CopiedTable, number> {
  const out = {} as Record<CopiedTable, number>;
  for (const t of TABLES) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return out;
}

function* batches<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

function col<R, V>(rows: R[], f: (r: R) => V): V[] {
  return rows.map(f);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// Row shapes of the SQLite schema (src/store/sqlite/migrations.ts, versions 1–2).
type SqliteSubscriptionRow = SubscriptionRow & { target_key: string };
type SqliteOutboxRow = OutboxRow & { target_key: string };

function itemInsert(r: SqliteItemRow): ItemInsert {
  return {
    item: taggedItemFromRow(SQLITE_COLUMNS, r),
    alertable: SQLITE_COLUMNS.bool(r.alertable),
    firstSeen: r.first_seen,
    id: r.id,
    clusterId: r.cluster_id,
    feedId: r.feed_id,
  };
}
