// Choose the archive: PostgreSQL when DATABASE_URL is set, SQLite otherwise.
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { Store } from './types.ts';

export type { Store } from './types.ts';

interface PostgresModule {
  openPostgresStore(url: string, logger: Logger): Promise<Store>;
}

// A runtime path (not a static import) so the SQLite build never loads `pg` and the
// type-check does not depend on the PostgreSQL adapter's file.
const POSTGRES_MODULE = './postgres/index.ts';

async function loadPostgres(): Promise<PostgresModule> {
  const href = new URL(POSTGRES_MODULE, import.meta.url).href;
  let mod: Partial<PostgresModule>;
  try {
    mod = (await import(href)) as Partial<PostgresModule>;
  } catch (err) {
    throw new Error(`the PostgreSQL adapter could not be loaded from ${POSTGRES_MODULE}: ${String(err)}`, {
      cause: err,
    });
  }
  if (typeof mod.openPostgresStore !== 'function') {
    throw new Error(`${POSTGRES_MODULE} does not export openPostgresStore(url, logger)`);
  }
  return mod as PostgresModule;
}

/**
 * Open the archive named by the configuration: PostgreSQL at `databaseUrl` when set, else a
 * SQLite file at `dbPath` (parent directory created; `:memory:` for a throwaway archive).
 */
export async function openStore(
  config: Pick<Config, 'dbPath' | 'databaseUrl'>,
  logger: Logger = silentLogger(),
): Promise<Store> {
  if (config.databaseUrl) {
    const pg = await loadPostgres();
    return pg.openPostgresStore(config.databaseUrl, logger);
  }
  return openSqliteStore(config.dbPath, { logger });
}

/** For messages: where the archive lives, without credentials. */
export function describeStoreLocation(config: Pick<Config, 'dbPath' | 'databaseUrl'>): string {
  if (config.databaseUrl) {
    try {
      const u = new URL(config.databaseUrl);
      return `postgres://${u.host}${u.pathname}`;
    } catch {
      return 'postgres (unparsable DATABASE_URL)';
    }
  }
  return config.dbPath === ':memory:' ? 'sqlite in memory' : `sqlite ${resolve(config.dbPath)}`;
}
