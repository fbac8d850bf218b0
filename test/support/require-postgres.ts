// Vitest global setup: where PostgreSQL is expected (CI sets GOVWATCH_REQUIRE_POSTGRES=1),
// the PostgreSQL suites must run. Without this a CI machine whose server did not start
// would pass with those suites skipped; here the run fails before any test, saying why.
import pg from 'pg';

export default async function setup(): Promise<void> {
  if (process.env.GOVWATCH_REQUIRE_POSTGRES !== '1') return;
  const url = process.env.GOVWATCH_TEST_DATABASE_URL ?? '';
  if (!url) {
    throw new Error(
      'GOVWATCH_REQUIRE_POSTGRES=1 but GOVWATCH_TEST_DATABASE_URL is not set: the PostgreSQL ' +
        'suites would be skipped. Start PostgreSQL and set GOVWATCH_TEST_DATABASE_URL, or unset ' +
        'GOVWATCH_REQUIRE_POSTGRES to run without them.',
    );
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const where = new URL(url);
    throw new Error(
      `GOVWATCH_REQUIRE_POSTGRES=1 but PostgreSQL at ${where.hostname}:${where.port || 5432} ` +
        `(GOVWATCH_TEST_DATABASE_URL) does not answer: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
