// `govwatch migrate`, `govwatch db copy` and `govwatch db backup`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { configuredLogger } from '../log.ts';
import { UserError } from '../model.ts';
import { openStore } from '../store/index.ts';
import { out } from './output.ts';

export async function runMigrate(config: Config): Promise<void> {
  const logger = configuredLogger(config);
  if (config.databaseUrl) {
    const { migratePostgres } = await import('../store/postgres/index.ts');
    const result = await migratePostgres(config.databaseUrl, logger);
    out(
      `PostgreSQL schema at version ${result.current}${result.applied.length ? ` (applied ${result.applied.join(', ')})` : ' (up to date)'}`,
    );
    return;
  }
  // Opening a SQLite archive applies its migrations.
  const store = await openStore(config, logger);
  await store.close();
  out(`SQLite archive ${config.dbPath} is up to date`);
}

export async function runDbCopy(config: Config, toUrl: string): Promise<void> {
  if (!/^postgres(ql)?:\/\//.test(toUrl)) throw new UserError('bad-url', '--to must be a postgres:// URL');
  const { copyStore } = await import('../store/copy.ts');
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'copying {bar} {value}/{total} rows', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  try {
    const report = await copyStore(config.dbPath, toUrl, {
      onProgress: (done, total) => {
        if (!started) {
          bar?.start(total, 0);
          started = true;
        }
        bar?.update(done);
      },
    });
    bar?.stop();
    for (const [table, c] of Object.entries(report.counts))
      out(`${table.padEnd(14)} ${String(c.source).padStart(9)} → ${c.target}`);
    out(`copied in ${(report.ms / 1000).toFixed(1)} s; counts match`);
  } finally {
    bar?.stop();
  }
}

/**
 * SQLite's online backup API (better-sqlite3 .backup()): pages are copied in steps while the
 * bot keeps writing; the copy is a consistent snapshot, unlike copying the file and its WAL.
 */
export async function runDbBackup(config: Config, file: string): Promise<void> {
  if (config.databaseUrl)
    throw new UserError(
      'backup-postgres',
      'db backup is for the SQLite archive; back PostgreSQL up with pg_dump',
    );
  if (existsSync(file))
    throw new UserError('backup-exists', `${resolve(file)} already exists; choose a new file`);
  const { openSqliteStore } = await import('../store/sqlite/index.ts');
  const store = openSqliteStore(config.dbPath, { create: false });
  try {
    const t0 = Date.now();
    const { totalPages } = await store.db.backup(file);
    out(
      `backed up ${resolve(config.dbPath)} to ${resolve(file)} (${totalPages} pages, ${Date.now() - t0} ms)`,
    );
  } finally {
    await store.close();
  }
}
