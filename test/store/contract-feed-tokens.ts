// The private feed tokens part of the Store contract (src/store/types-feed-tokens.ts).
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';

const here: Target = { platform: 'slack', workspaceId: 'T1', channelId: 'C1', kind: 'channel' };
const me: Target = { platform: 'slack', workspaceId: 'T1', channelId: 'U1', kind: 'user' };
const filter = { themes: ['censorship' as const], regions: ['RU'], sources: [], keywords: ['vpn ban'] };

export function runFeedTokensContract(store: () => Store): void {
  describe('feed tokens', () => {
    it('finds a token by its hash only, lists by target, and revokes it', async () => {
      const { feedTokens } = store();
      const a = await feedTokens.create({ tokenHash: '1'.repeat(64), target: here, filter, createdBy: 'U1' });
      const b = await feedTokens.create({ tokenHash: '2'.repeat(64), target: me, filter, createdBy: 'U1' });
      expect(b.id).toBeGreaterThan(a.id);
      expect(await feedTokens.findByHash('1'.repeat(64))).toEqual(a);
      expect(await feedTokens.findByHash('3'.repeat(64))).toBeNull();
      expect((await feedTokens.list({ target: me })).map((t) => t.id)).toEqual([b.id]);
      expect((await feedTokens.list()).map((t) => t.id)).toEqual([a.id, b.id]);
      expect(await feedTokens.revoke(a.id)).toBe(true);
      expect(await feedTokens.revoke(a.id)).toBe(false);
      expect(await feedTokens.findByHash('1'.repeat(64))).toBeNull();
      await expect(
        feedTokens.create({ tokenHash: '2'.repeat(64), target: here, filter, createdBy: 'U2' }),
      ).rejects.toThrow();
    });
  });
}
