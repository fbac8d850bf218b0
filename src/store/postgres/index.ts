// Entry points of the PostgreSQL adapter (loaded lazily by openStore when DATABASE_URL is set).
import pg from 'pg';
import type { Logger } from '../../log.ts';
import type { Store } from '../types.ts';
import { UserError } from '../../model.ts';
import { connectReason, postgresWhere } from '../open-errors.ts';
import { runMigrations } from './migrations.ts';
import { PostgresStore } from './store.ts';

/** How long opening the archive waits for PostgreSQL to accept a connection. */
const CONNECT_TIMEOUT_MS = 10_000;

export { PostgresStore } from './store.ts';
export { MIGRATIONS } from './migrations.ts';

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** Application name shown in pg_stat_activity (default "govwatch"). */
  applicationName?: string;
  /** Clock for lock expiry, first-seen and outbox times (tests inject one). */
  now?: () => Date;
}

export function createPool(url: string, logger?: Logger, opts: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.maxConnections ?? 10,
    application_name: opts.applicationName ?? 'govwatch',
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', (err) => logger?.warn({ err: err.message }, 'postgres idle connection error'));
  return pool;
}

/** Connect once, with a deadline, so an unreachable database is named at start instead of hanging. */
async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'govwatch',
  });
  // A socket error after a failed connect must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new UserError(
      'database-unavailable',
      `the PostgreSQL database at ${postgresWhere(url)} (DATABASE_URL) did not answer: ${connectReason(err, url)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Open the archive on PostgreSQL, applying pending migrations first. */
export async function openPostgresStore(
  url: string,
  logger?: Logger,
  opts?: PostgresOptions,
): Promise<Store> {
  return openPostgresStoreImpl(url, logger, opts);
}

/** Same as openPostgresStore, typed as the concrete class (for copy and tests). */
export async function openPostgresStoreImpl(
  url: string,
  logger?: Logger,
  opts?: PostgresOptions,
): Promise<PostgresStore> {
  await checkReachable(url);
  const pool = createPool(url, logger, opts);
  try {
    await runMigrations(pool, logger);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new PostgresStore(pool, { logger, now: opts?.now });
}

/** `govwatch migrate`: apply pending migrations and report which ran. */
export async function migratePostgres(
  url: string,
  logger?: Logger,
): Promise<{ applied: number[]; current: number }> {
  await checkReachable(url);
  const pool = createPool(url, logger, { maxConnections: 1 });
  try {
    const applied = await runMigrations(pool, logger);
    const r = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return { applied, current: r.rows[0]?.v ?? 0 };
  } finally {
    await pool.end();
  }
}
