// Runs without PostgreSQL: a SQLite migration added without teaching `copy` about it made
// every copy refuse the archive, and only the PostgreSQL suite would have noticed.
import { describe, expect, it } from 'vitest';
import { KNOWN_SQLITE_VERSIONS } from '../../src/store/copy.ts';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.ts';

describe('copy to PostgreSQL', () => {
  it('knows every SQLite schema version the archive can be at', () => {
    expect(KNOWN_SQLITE_VERSIONS).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
