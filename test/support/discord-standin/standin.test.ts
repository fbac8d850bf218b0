// The stand-in itself answers as Discord documents: limits, rate limits, nonces, auth.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordStandin } from './index.ts';
import { startDiscordStandin } from './index.ts';

const CHANNEL = '300000000000000001';

describe('Discord stand-in', () => {
  let s: DiscordStandin;
  beforeEach(async () => {
    s = await startDiscordStandin({ globalPerSecond: 8, messagesPerChannel: { limit: 3, windowMs: 2_000 } });
  });
  afterEach(async () => {
    await s.close();
  });

  const post = (body: unknown, channel = CHANNEL, token = s.token) =>
    fetch(`${s.apiUrl}/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const embed = (over: Record<string, unknown>) => ({ embeds: [{ title: 't', description: 'd', ...over }] });

  it.each([
    { name: 'content over 2,000', body: { content: 'x'.repeat(2001) }, path: ['content'] },
    {
      name: 'more than 10 embeds',
      body: { embeds: Array.from({ length: 11 }, () => ({ description: 'd' })) },
      path: ['embeds'],
    },
    { name: 'title over 256', body: embed({ title: 'x'.repeat(257) }), path: ['embeds', '0', 'title'] },
    {
      name: 'description over 4,096',
      body: embed({ description: 'x'.repeat(4097) }),
      path: ['embeds', '0', 'description'],
    },
    {
      name: 'embeds over 6,000 in total',
      body: { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] },
      path: ['embeds'],
    },
    {
      name: 'field value over 1,024',
      body: embed({ fields: [{ name: 'n', value: 'x'.repeat(1025) }] }),
      path: ['embeds', '0', 'fields', '0', 'value'],
    },
  ])('refuses $name with 400 and Invalid Form Body', async ({ body, path }) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { code: number; errors: Record<string, unknown> };
    expect(json.code).toBe(50035);
    let node: unknown = json.errors;
    for (const key of path) node = (node as Record<string, unknown>)[key];
    expect((node as { _errors: unknown[] })._errors.length).toBeGreaterThan(0);
  });

  it('refuses an empty message and a missing token', async () => {
    expect(((await (await post({})).json()) as { code: number }).code).toBe(50006);
    expect((await post({ content: 'x' }, CHANNEL, 'wrong')).status).toBe(401);
  });

  it('answers the same nonce with enforce_nonce by returning the first message', async () => {
    const a = (await (await post({ content: 'a', nonce: 'n1', enforce_nonce: true })).json()) as {
      id: string;
    };
    const b = (await (await post({ content: 'a', nonce: 'n1', enforce_nonce: true })).json()) as {
      id: string;
    };
    const c = (await (await post({ content: 'a', nonce: 'n1' })).json()) as { id: string };
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(s.messages.get(CHANNEL)).toHaveLength(2);
    expect(s.nonceReplays).toBe(1);
  });

  it('limits messages per channel with bucket headers, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let k = 0; k < 4; k++) {
      last = await post({ content: String(k), nonce: `p${k}` });
      statuses.push(last.status);
      if (k === 0) {
        expect(last.headers.get('x-ratelimit-limit')).toBe('3');
        expect(last.headers.get('x-ratelimit-remaining')).toBe('2');
        expect(Number(last.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
        expect(last.headers.get('x-ratelimit-bucket')).toBeTruthy();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const body = (await last!.json()) as { retry_after: number; global: boolean };
    expect(body.global).toBe(false);
    expect(body.retry_after).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(s.rateLimitHits.get('nonce:p3')).toBe(1);
  });

  it('applies the global limit across routes with the global flag', async () => {
    const res: Response[] = [];
    for (let k = 0; k < 9; k++) {
      res.push(await fetch(`${s.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${s.token}` } }));
    }
    expect(res.slice(0, 8).every((r) => r.status === 200)).toBe(true);
    const limited = res[8]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(((await limited.json()) as { global: boolean }).global).toBe(true);
  });
});
