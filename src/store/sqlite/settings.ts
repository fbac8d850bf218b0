import type Database from 'better-sqlite3';
import type { SettingsStore } from '../types-settings.ts';

export function sqliteSettings(db: Database.Database): SettingsStore {
  return {
    async get(key) {
      const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
        { value: string } | undefined;
      return row?.value ?? null;
    },
    async set(key, value) {
      db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
    },
    async delete(key) {
      return db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
    },
  };
}
