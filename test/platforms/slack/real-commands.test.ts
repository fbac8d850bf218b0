// The project's own commands (commands/*.ts) run through Slack end to end, on a real SQLite
// archive: search with paging and share, subscribe with admin rules, feeds add refused to
// non-admins and for private addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.ts';
import { analyzeMrkdwn, mrkdwnTexts } from '../../support/slack-standin/index.ts';
import { ADMIN, GENERAL, HOSTILE_TITLE, MEMBER, runSlack } from './helpers.ts';
import type { Running } from './helpers.ts';

let r: Running;
beforeAll(async () => {
  r = await runSlack('socket', allCommands);
  await r.store.upsertFeeds([
    {
      id: 'rights-watch',
      name: 'Rights Watch',
      url: 'https://rights.example/feed',
      kind: 'rights',
      language: 'en',
      origin: 'operator',
    },
  ]);
  const items = Array.from({ length: 7 }, (_, i) => ({
    guid: `g${i}`,
    title: i === 0 ? `Shutdown report ${HOSTILE_TITLE}` : `Shutdown report number ${i}`,
    url: `https://rights.example/items/${i}`,
    author: null,
    summary: `Mobile internet shutdown measured in region ${i}.`,
    published: new Date(Date.UTC(2026, 10, 10 + i, 8)).toISOString(),
    publishedEstimated: false,
    lang: 'en',
    themes: ['shutdowns' as const],
    regions: ['IR'],
    why: {},
  }));
  await r.store.addItems('rights-watch', items, { alertable: () => true });
});
afterAll(async () => {
  await r?.stop();
});

function texts(blocks: unknown[] | undefined) {
  return mrkdwnTexts(blocks).map(analyzeMrkdwn);
}

async function run(command: string, text: string, userId = MEMBER) {
  const { responseUrlId, ack } = await r.standin.slashCommand({ command, text, userId, channelId: GENERAL });
  if (ack?.blocks) return r.standin.responsesFor(responseUrlId)[0];
  const [resp] = await r.standin.waitForResponses(responseUrlId);
  return resp;
}

describe('govwatch commands on Slack', () => {
  it('/govwatch-search finds items, keeps hostile titles inert, pages and shares', async () => {
    const resp = await run('/govwatch-search', 'shutdown region:IR');
    if (!resp) throw new Error('no response');
    expect(resp.body.response_type).toBe('ephemeral');
    const shown = texts(resp.body.blocks);
    expect(shown.flatMap((t) => t.mentions)).toEqual([]);
    expect(
      shown
        .flatMap((t) => t.links.map((l) => l.url))
        .every((u) => u.startsWith('https://rights.example/items/')),
    ).toBe(true);
    expect(shown.map((t) => t.visible).join('\n')).toMatch(/7 results for "shutdown" · page 1 of 2/);

    const next = await r.standin.click({ from: resp, label: 'Next', userId: MEMBER, channelId: GENERAL });
    const [page2] = await r.standin.waitForResponses(next.responseUrlId);
    expect(
      texts(page2?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('page 2 of 2');

    const share = await r.standin.click({ from: resp, label: 'Share', userId: MEMBER, channelId: GENERAL });
    const [shared] = await r.standin.waitForResponses(share.responseUrlId);
    expect(shared?.body.response_type).toBe('in_channel');
  });

  it('/govwatch-subscribe: a member may not subscribe the channel but may subscribe themself', async () => {
    const denied = await run('/govwatch-subscribe', 'themes:shutdowns mode:alert');
    expect(
      texts(denied?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('needs an admin');
    const mine = await run('/govwatch-subscribe', 'themes:shutdowns mode:alert scope:me');
    const shown = texts(mine?.body.blocks)
      .map((t) => t.visible)
      .join('\n');
    expect(shown).toContain('You are subscribed');
    // The neutral hint "/unsubscribe id:N" is given in its Slack spelling.
    expect(shown).toMatch(/\/govwatch-unsubscribe id:\d+/);
    const subs = await r.store.listSubscriptions();
    expect(subs.map((s) => [s.target.kind, s.target.channelId, s.mode])).toEqual([['user', MEMBER, 'alert']]);
  });

  it('/govwatch-subscribe: an admin subscribes the channel', async () => {
    const resp = await run('/govwatch-subscribe', 'themes:shutdowns', ADMIN);
    expect(
      texts(resp?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('This channel is subscribed');
    const subs = await r.store.listSubscriptions({
      target: { platform: 'slack', channelId: GENERAL, workspaceId: r.standin.teamId, kind: 'channel' },
    });
    expect(subs).toHaveLength(1);
  });

  it('/govwatch-feeds add is refused to a non-admin, and a private address is refused to an admin', async () => {
    const member = await run('/govwatch-feeds', 'add url:https://example.org/feed.xml');
    expect(
      texts(member?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('is for workspace admins');
    const admin = await run('/govwatch-feeds', 'add url:http://127.0.0.1:9/feed.xml', ADMIN);
    const shown = texts(admin?.body.blocks)
      .map((t) => t.visible)
      .join('\n');
    expect(shown).toMatch(/⚠️/);
    expect(shown).toMatch(/private|loopback|not allowed|refused/i);
    expect((await r.store.listFeeds()).map((f) => f.id)).toEqual(['rights-watch']);
  });

  it('/govwatch help lists every command by its Slack name', async () => {
    const resp = await run('/govwatch', 'help');
    const shown = texts(resp?.body.blocks)
      .map((t) => t.visible)
      .join('\n');
    for (const c of allCommands) expect(shown).toContain(`/govwatch-${c.name}`);
  });

  it('/govwatch-digest schedule: refused to a member, set by an admin with a bare choice word', async () => {
    const denied = await run('/govwatch-digest', 'schedule weekly timezone:Europe/Berlin');
    expect(
      texts(denied?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('is for workspace admins');
    const set = await run(
      '/govwatch-digest',
      'schedule weekly day:mon time:07:30 timezone:Europe/Berlin',
      ADMIN,
    );
    const shown = texts(set?.body.blocks)
      .map((t) => t.visible)
      .join('\n');
    expect(shown).not.toContain('⚠️');
    expect(shown).toMatch(/Europe\/Berlin/);
  });

  it('/govwatch-why explains an item', async () => {
    const [item] = await r.store.listItems({ limit: 1 });
    const resp = await run('/govwatch-why', String(item?.id));
    expect(
      texts(resp?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain(`${item?.id}`);
  });

  it('/govwatch-themes lists the theme ids', async () => {
    const resp = await run('/govwatch-themes', '');
    expect(
      texts(resp?.body.blocks)
        .map((t) => t.visible)
        .join('\n'),
    ).toContain('censorship:');
  });
});
