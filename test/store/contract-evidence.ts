// The evidence-cache part of the Store contract (src/store/types-evidence.ts), run by
// runStoreContract for every adapter.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';

export function runEvidenceContract(store: () => Store): void {
  describe('evidence cache', () => {
    it('keeps one answer per source, query, country and day, replaced by a newer one', async () => {
      const { evidence } = store();
      const row = (day: string, n: number, fetchedAt = '2026-11-22T12:00:00.000Z') => ({
        source: 'ooni',
        query: 'web_connectivity',
        country: 'IQ',
        day,
        payload: { measurement_count: n, nested: { list: [1, 2] } },
        fetchedAt,
      });
      await evidence.putDays([row('2026-11-19', 1), row('2026-11-18', 2), row('2026-11-21', 3)]);
      await evidence.putDays([{ ...row('2026-11-19', 1), query: 'circumvention', payload: {} }]);
      await evidence.putDays([{ ...row('2026-11-19', 1), country: 'IR' }]);
      await evidence.putDays([row('2026-11-21', 4, '2026-11-23T00:00:00.000Z')]);
      const got = await evidence.getDays('ooni', 'web_connectivity', 'IQ', '2026-11-18', '2026-11-20');
      expect(got).toEqual([row('2026-11-18', 2), row('2026-11-19', 1)]);
      expect(await evidence.getDays('ooni', 'web_connectivity', 'IQ', '2026-11-21', '2026-11-21')).toEqual([
        row('2026-11-21', 4, '2026-11-23T00:00:00.000Z'),
      ]);
      expect(await evidence.getDays('ioda', 'web_connectivity', 'IQ', '2026-11-01', '2026-11-30')).toEqual(
        [],
      );
      await evidence.putDays([]);
    });
  });
}
