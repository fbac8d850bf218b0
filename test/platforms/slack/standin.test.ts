// The stand-in itself answers like Slack: token checks, documented block limits with Slack's
// invalid_blocks shape, per-channel rate limiting with Retry-After, and the 3-second ack rule.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SlackStandin } from '../../support/slack-standin/index.ts';
import { GENERAL, MEMBER, standinWorkspace } from './helpers.ts';

let s: SlackStandin | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

async function call(
  st: SlackStandin,
  method: string,
  body: Record<string, unknown>,
  token = st.botToken,
  json = true,
) {
  const res = await fetch(`${st.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': json ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
    },
    body: json
      ? JSON.stringify(body)
      : new URLSearchParams(
          Object.entries(body).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ]),
        ).toString(),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { ok: boolean; error?: string; errors?: string[]; url?: string },
  };
}

const section = (n: number) => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(n) } });

describe('Slack stand-in', () => {
  it.each([
    ['no token', '', 'chat.postMessage', 'not_authed'],
    ['a wrong token', 'xoxb-wrong', 'chat.postMessage', 'invalid_auth'],
    ['the bot token for apps.connections.open', 'BOT', 'apps.connections.open', 'invalid_auth'],
  ])('refuses %s', async (_case, token, method, error) => {
    s = await standinWorkspace();
    const r = await call(s, method, { channel: GENERAL, text: 'x' }, token === 'BOT' ? s.botToken : token);
    expect(r.body).toEqual({ ok: false, error });
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => section(10)), 'no more than 50 items allowed'],
    ['a section of 3,001 characters', [section(3001)], 'must be less than 3001 characters'],
    [
      'a button label of 76 characters',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'b'.repeat(76) },
              action_id: 'a',
              value: 'v',
            },
          ],
        },
      ],
      'must be less than 76 characters',
    ],
    ['an unknown block type', [{ type: 'carousel' }], 'unsupported block type'],
  ])('answers invalid_blocks for %s (form and JSON bodies alike)', async (_case, blocks, message) => {
    s = await standinWorkspace();
    for (const json of [true, false]) {
      const r = await call(s, 'chat.postMessage', { channel: GENERAL, text: 'x', blocks }, s.botToken, json);
      expect(r.status).toBe(200);
      expect(r.body.ok).toBe(false);
      expect(r.body.error).toBe('invalid_blocks');
      expect(r.body.errors?.join(' ')).toContain(message);
    }
    expect(s.posted).toEqual([]);
  });

  it('accepts exactly 50 blocks of 3,000 characters', async () => {
    s = await standinWorkspace();
    const r = await call(s, 'chat.postMessage', {
      channel: GENERAL,
      text: 'x',
      blocks: Array.from({ length: 50 }, () => section(3000)),
    });
    expect(r.body.ok).toBe(true);
  });

  it('tolerates a short burst per channel, then answers 429 with Retry-After; other channels are unaffected', async () => {
    s = await standinWorkspace({ postsPerSecondPerChannel: 1, burst: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(s, 'chat.postMessage', { channel: GENERAL, text: `m${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(s, 'chat.postMessage', { channel: GENERAL, text: 'again' });
    expect(limited.retryAfter).toBe('1');
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect((await call(s, 'chat.postMessage', { channel: MEMBER, text: 'dm' })).status).toBe(200);
  });

  it('rejects an envelope that is not acknowledged within the ack timeout', async () => {
    s = await standinWorkspace({ ackTimeoutMs: 200 });
    const open = await call(s, 'apps.connections.open', {}, s.appToken);
    const ws = new WebSocket(open.body.url ?? '');
    await new Promise((resolve) => ws.once('message', resolve));
    await expect(
      s.slashCommand({ command: '/govwatch-search', text: 'x', userId: MEMBER, channelId: GENERAL }),
    ).rejects.toThrow(/not acknowledged within 200 ms/);
    ws.close();
  });

  it('lets a response_url be used five times, then refuses it', async () => {
    s = await standinWorkspace();
    const { payload } = s.slashPayload({ command: '/govwatch-search', userId: MEMBER, channelId: GENERAL });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(payload.response_url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `r${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });
});
