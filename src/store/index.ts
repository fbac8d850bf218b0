// Choose the archive: PostgreSQL when DATABASE_URL is set, SQLite otherwise.
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { Store } from './types.ts';

export type { Store } from './types.ts';

/**
 * Open the archive named by the configuration: PostgreSQL at `databaseUrl` when set, else a
 * SQLite file at `dbPath` (`:memory:` for a throwaway archive). `create: false` is for
 * commands that only read: a missing SQLite file (or folder) is then an error, not made.
 * An archive that cannot be opened or reached is a one-line UserError naming it.
 */
export async function openStore(
  config: Pick<Config, 'dbPath' | 'databaseUrl'>,
  logger?: Logger,
  opts: { create?: boolean } = {},
): Promise<Store> {
  if (config.databaseUrl) {
    // Loaded only here, so a SQLite run never loads `pg`.
    const { openPostgresStore } = await import('./postgres/index.ts');
    return openPostgresStore(config.databaseUrl, logger);
  }
  return openSqliteStore(config.dbPath, { logger, create: opts.create });
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
