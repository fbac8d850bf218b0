// End to end in HTTP mode: signed slash-command requests to Bolt's HTTP receiver; requests with
// a wrong signature, no signature or a timestamp older than five minutes are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMrkdwn, mrkdwnTexts } from '../../support/slack-standin/index.ts';
import { ADMIN, GENERAL, MEMBER, runSlack } from './helpers.ts';
import type { Running } from './helpers.ts';

let r: Running;
let receiver: string;
beforeAll(async () => {
  r = await runSlack('http');
  receiver = `http://127.0.0.1:${r.slack.port}/slack/events`;
});
afterAll(async () => {
  await r?.stop();
});

function visible(blocks: unknown[] | undefined): string {
  return mrkdwnTexts(blocks)
    .map((t) => analyzeMrkdwn(t).visible)
    .join('\n');
}

describe('Slack HTTP mode', () => {
  it('answers a signed slash command: ack within 3 s, reply via response_url', async () => {
    expect(r.slack.mode).toBe('http');
    const started = Date.now();
    const res = await r.standin.httpSlashCommand(receiver, {
      command: '/govwatch-search',
      text: 'spyware region:IN',
      userId: MEMBER,
      channelId: GENERAL,
    });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const [resp] = await r.standin.waitForResponses(res.responseUrlId);
    expect(resp?.body.response_type).toBe('ephemeral');
    expect(visible(resp?.body.blocks)).toContain('Results for spyware');
  });

  it('refuses a non-admin an admin subcommand and lets an admin run it', async () => {
    const denied = await r.standin.httpSlashCommand(receiver, {
      command: '/govwatch-feeds',
      text: 'add https://example.org/rss',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [d] = await r.standin.waitForResponses(denied.responseUrlId);
    expect(visible(d?.body.blocks)).toContain('is for workspace admins');
    const allowed = await r.standin.httpSlashCommand(receiver, {
      command: '/govwatch-feeds',
      text: 'add https://example.org/rss',
      userId: ADMIN,
      channelId: GENERAL,
    });
    const [a] = await r.standin.waitForResponses(allowed.responseUrlId);
    expect(visible(a?.body.blocks)).toContain('add {"url":"https://example.org/rss"}');
  });

  it('answers a bad option in the 200 acknowledgement, ephemeral', async () => {
    const res = await r.standin.httpSlashCommand(receiver, {
      command: '/govwatch-search',
      text: 'x page:0',
      userId: MEMBER,
      channelId: GENERAL,
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(visible(body.blocks)).toContain('must be at least 1');
  });

  it.each([
    ['a wrong signing secret', { secret: 'not-the-secret' }],
    ['a timestamp six minutes old', { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['no signature', { omitSignature: true }],
  ])('refuses a request with %s and runs nothing', async (_case, sign) => {
    const before = r.standin.responses.length;
    const res = await r.standin.httpSlashCommand(
      receiver,
      { command: '/govwatch-search', text: 'anything', userId: MEMBER, channelId: GENERAL },
      sign,
    );
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.standin.responses.length).toBe(before);
  });

  it('handles a signed button click (paging)', async () => {
    const res = await r.standin.httpSlashCommand(receiver, {
      command: '/govwatch-search',
      text: 'ipv6',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [first] = await r.standin.waitForResponses(res.responseUrlId);
    if (!first) throw new Error('no response');
    const click = await r.standin.httpClick(receiver, {
      from: first,
      label: 'Next page',
      userId: MEMBER,
      channelId: GENERAL,
    });
    expect(click.status).toBe(200);
    const [paged] = await r.standin.waitForResponses(click.responseUrlId);
    expect(visible(paged?.body.blocks)).toContain('page=2');
  });
});
