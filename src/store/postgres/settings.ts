import type pg from 'pg';
import type { SettingsStore } from '../types-settings.ts';

export function postgresSettings(pool: pg.Pool): SettingsStore {
  return {
    async get(key) {
      const r = await pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return r.rows[0]?.value ?? null;
    },
    async set(key, value) {
      await pool.query(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
        [key, value],
      );
    },
    async delete(key) {
      return ((await pool.query('DELETE FROM settings WHERE key = $1', [key])).rowCount ?? 0) > 0;
    },
  };
}
