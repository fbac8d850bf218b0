// CI's guard against a silently skipped PostgreSQL suite (GOVWATCH_REQUIRE_POSTGRES=1).
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import setup from './require-postgres.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the GOVWATCH_REQUIRE_POSTGRES test setup', () => {
  it('does nothing when PostgreSQL is not required', async () => {
    delete process.env.GOVWATCH_REQUIRE_POSTGRES;
    delete process.env.GOVWATCH_TEST_DATABASE_URL;
    await expect(setup()).resolves.toBeUndefined();
  });

  it('fails the run, naming the variable, when the PostgreSQL suites would be skipped', async () => {
    process.env.GOVWATCH_REQUIRE_POSTGRES = '1';
    delete process.env.GOVWATCH_TEST_DATABASE_URL;
    await expect(setup()).rejects.toThrow(
      /GOVWATCH_TEST_DATABASE_URL is not set: the PostgreSQL suites would be skipped/,
    );
  });

  it('fails the run, naming host and port, when the server does not answer', async () => {
    // A port that refuses: bound, then closed.
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    process.env.GOVWATCH_REQUIRE_POSTGRES = '1';
    process.env.GOVWATCH_TEST_DATABASE_URL = `postgres://postgres:secret@127.0.0.1:${port}/x`;
    const err = await setup().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} .* does not answer`));
    expect(err?.message).not.toContain('secret');
  });

  it.runIf(saved.GOVWATCH_TEST_DATABASE_URL)('passes when the server answers', async () => {
    process.env.GOVWATCH_REQUIRE_POSTGRES = '1';
    await expect(setup()).resolves.toBeUndefined();
  });
});
