// Test databases for the PostgreSQL suites. GOVWATCH_TEST_DATABASE_URL names a server (and a
// database we may connect to); each run creates its own database there and drops it at the
// end, and each test gets a fresh schema in it. Without the variable the suites are skipped.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.GOVWATCH_TEST_DATABASE_URL ?? '';

export const PG_SKIP_MESSAGE =
  'PostgreSQL suite skipped: set GOVWATCH_TEST_DATABASE_URL=postgres://user@host:5432/db to enable';

let announced = false;
/** Say once per test file why the PostgreSQL tests did not run. */
export function announceSkip(): void {
  if (PG_URL || announced) return;
  announced = true;
  console.warn(PG_SKIP_MESSAGE);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export class TestDatabase {
  private schemas = 0;

  private constructor(
    /** The database the tests use. */
    readonly url: string,
    /** Set when we created the database and must drop it. */
    private readonly created: string | null,
    private readonly run: string,
  ) {}

  /** A database of our own on the server, or the given one when we may not create databases. */
  static async create(baseUrl: string = PG_URL): Promise<TestDatabase> {
    const run = randomBytes(4).toString('hex');
    const name = `govwatch_test_${run}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      return new TestDatabase(withDatabase(baseUrl, name), name, run);
    } catch {
      // No CREATEDB right: isolate by schema inside the given database instead.
      return new TestDatabase(baseUrl, null, run);
    } finally {
      await admin.end();
    }
  }

  /** URL of a new, empty schema (search_path set through the connection options). */
  async freshUrl(): Promise<string> {
    const schema = `t_${this.run}_${++this.schemas}`;
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await c.end();
    }
    return withSearchPath(this.url, schema);
  }

  private reusable: string | null = null;

  /**
   * URL of an empty schema that may already hold the migrated tables: the first call gives
   * a fresh schema, later calls empty the same one (every table but schema_migrations,
   * identities restarted). Migrating a fresh schema costs ~0.3 s, which the ~100 contract
   * tests paid each. Only for a caller that has closed every connection to the previous one.
   */
  async emptiedUrl(): Promise<string> {
    if (!this.reusable) {
      this.reusable = await this.freshUrl();
      return this.reusable;
    }
    const schema = new URL(this.reusable).searchParams.get('options')!.split('=')[1]!;
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    try {
      const tables = await c.query<{ name: string }>(
        `SELECT quote_ident(tablename) AS name FROM pg_tables
          WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
        [schema],
      );
      if (tables.rows.length)
        await c.query(
          `TRUNCATE ${tables.rows.map((r) => `${schema}.${r.name}`).join(', ')} RESTART IDENTITY CASCADE`,
        );
    } finally {
      await c.end();
    }
    return this.reusable;
  }

  async drop(): Promise<void> {
    if (this.created) {
      const admin = new pg.Client({ connectionString: PG_URL || this.url });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${this.created} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      return;
    }
    const c = new pg.Client({ connectionString: this.url });
    await c.connect();
    try {
      for (let k = 1; k <= this.schemas; k++)
        await c.query(`DROP SCHEMA IF EXISTS t_${this.run}_${k} CASCADE`);
    } finally {
      await c.end();
    }
  }
}
