// End to end in Socket Mode: the real Bolt App connects through apps.connections.open to the
// stand-in's WebSocket, receives slash commands and button clicks, and answers via response_url.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMrkdwn, mrkdwnTexts } from '../../support/slack-standin/index.ts';
import { ADMIN, ALLOWLISTED, GENERAL, MEMBER, runSlack } from './helpers.ts';
import type { Running } from './helpers.ts';

let r: Running;
beforeAll(async () => {
  r = await runSlack('socket');
});
afterAll(async () => {
  await r?.stop();
});

function visible(blocks: unknown[] | undefined): string {
  return mrkdwnTexts(blocks)
    .map((t) => analyzeMrkdwn(t).visible)
    .join('\n');
}

/** The options the echo command received, as it printed them. */
function optionsShown(text: string): unknown {
  const m = /options=(\{.*?\}) caller=/.exec(text);
  return m ? JSON.parse(m[1] as string) : null;
}

describe('Slack Socket Mode', () => {
  it('connects through apps.connections.open and answers a slash command via response_url', async () => {
    expect(r.slack.mode).toBe('socket');
    expect(r.standin.calls.some((c) => c.method === 'apps.connections.open' && c.ok)).toBe(true);
    const { responseUrlId } = await r.standin.slashCommand({
      command: '/govwatch-search',
      text: 'net neutrality theme:censorship region:RU since:7d',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const env = r.standin.envelopes.at(-1);
    expect(env?.ackedAfterMs).not.toBeNull();
    expect(env?.ackedAfterMs ?? Infinity).toBeLessThan(3000);
    const [resp] = await r.standin.waitForResponses(responseUrlId);
    expect(resp?.via).toBe('response_url');
    expect(resp?.body.response_type).toBe('ephemeral');
    const text = visible(resp?.body.blocks);
    expect(text).toContain('Results for net neutrality');
    expect(optionsShown(text)).toEqual({
      query: 'net neutrality',
      theme: 'censorship',
      region: 'RU',
      since: '7d',
    });
    expect(text).toContain(`caller=${MEMBER} admin=false where=channel:${GENERAL}`);
  });

  it('accepts the umbrella /govwatch <command> form and quoted values', async () => {
    const { responseUrlId } = await r.standin.slashCommand({
      command: '/govwatch',
      text: 'search "rfc 9000" region:"EU"',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [resp] = await r.standin.waitForResponses(responseUrlId);
    expect(optionsShown(visible(resp?.body.blocks))).toEqual({ query: 'rfc 9000', region: 'EU' });
  });

  it.each([
    ['an unknown option', 'ipv6 regoin:RU', 'has no option `regoin`'],
    ['a non-numeric integer', 'ipv6 page:two', 'must be a whole number'],
    ['an out-of-range integer', 'ipv6 page:99', 'must be at most 50'],
    ['a missing required option', 'theme:censorship', 'needs `query`'],
    ['an unclosed quote', '"ipv6 theme:x', 'never closed'],
  ])('answers %s with an ephemeral explanation and the help text', async (_case, text, expected) => {
    const { responseUrlId, ack } = await r.standin.slashCommand({
      command: '/govwatch-search',
      text,
      userId: MEMBER,
      channelId: GENERAL,
    });
    expect(ack?.response_type).toBe('ephemeral');
    const [resp] = r.standin.responsesFor(responseUrlId);
    const shown = visible(resp?.body.blocks);
    expect(shown).toContain(expected);
    expect(shown).toContain('Finds items by words, theme, region and age.');
    expect(shown).toContain('/govwatch-search <query>');
  });

  it.each([
    ['a member', MEMBER, false],
    ['a workspace admin', ADMIN, true],
    ['a user on the allow-list', ALLOWLISTED, true],
  ])('lets %s run an admin subcommand only when allowed', async (_who, userId, allowed) => {
    const { responseUrlId } = await r.standin.slashCommand({
      command: '/govwatch-feeds',
      text: 'add https://example.org/feed.xml',
      userId,
      channelId: GENERAL,
    });
    const [resp] = await r.standin.waitForResponses(responseUrlId);
    expect(resp?.body.response_type).toBe('ephemeral');
    const shown = visible(resp?.body.blocks);
    if (allowed) expect(shown).toContain('add {"url":"https://example.org/feed.xml"}');
    else expect(shown).toContain('is for workspace admins');
  });

  it('pages with a button that re-runs the command, and shares into the channel', async () => {
    const { responseUrlId } = await r.standin.slashCommand({
      command: '/govwatch-search',
      text: 'ipv6',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [first] = await r.standin.waitForResponses(responseUrlId);
    if (!first) throw new Error('no response');
    const next = await r.standin.click({
      from: first,
      label: 'Next page',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [paged] = await r.standin.waitForResponses(next.responseUrlId);
    expect(paged?.body.replace_original).toBe(true);
    expect(paged?.body.response_type).toBe('ephemeral');
    expect(visible(paged?.body.blocks)).toContain('page=2');

    const share = await r.standin.click({
      from: first,
      label: 'Share in channel',
      userId: MEMBER,
      channelId: GENERAL,
    });
    const [shared] = await r.standin.waitForResponses(share.responseUrlId);
    expect(shared?.body.response_type).toBe('in_channel');
    expect(shared?.body.replace_original).toBe(false);
    expect((shared?.body.blocks ?? []).some((b) => (b as { type: string }).type === 'actions')).toBe(false);
  });

  it('shows help for `help`', async () => {
    const { ack } = await r.standin.slashCommand({
      command: '/govwatch-search',
      text: 'help',
      userId: MEMBER,
      channelId: GENERAL,
    });
    expect(visible(ack?.blocks as unknown[])).toContain('Finds items by words');
  });
});
