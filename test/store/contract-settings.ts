// The settings part of the Store contract (src/store/types-settings.ts), run by
// runStoreContract for every adapter.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';

export function runSettingsContract(store: () => Store): void {
  describe('settings', () => {
    it('keeps a value per key, replaces it, and deletes it', async () => {
      const { settings } = store();
      expect(await settings.get('a')).toBeNull();
      await settings.set('a', 'one');
      await settings.set('b', '');
      await settings.set('a', 'two');
      expect(await settings.get('a')).toBe('two');
      expect(await settings.get('b')).toBe('');
      expect(await settings.delete('a')).toBe(true);
      expect(await settings.delete('a')).toBe(false);
      expect(await settings.get('a')).toBeNull();
    });
  });
}
