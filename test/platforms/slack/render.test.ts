// Block Kit rendering: every message the renderers produce passes the stand-in's validation of
// Slack's documented limits, whatever the size of the input.
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/chat/types.ts';
import { renderDigest, renderReply, renderText, decodeAction } from '../../../src/platforms/slack/render.ts';
import { renderOutbound } from '../../../src/platforms/slack/sender.ts';
import { analyzeMrkdwn, mrkdwnTexts, validateBlocks } from '../../support/slack-standin/index.ts';
import { digestOf } from '../../support/digests.ts';
import { storedItem } from './helpers.ts';

const huge = '&<>*'.repeat(5000);

describe('Slack rendering within limits', () => {
  it.each([
    [
      'a title and summary of 20,000 escapable characters',
      renderOutbound({ kind: 'alert', item: storedItem({ title: huge, summary: huge }), subscriptionId: 1 }),
    ],
    ['a text of 100,000 characters', renderText(`${'word '.repeat(20_000)}\n`.repeat(1))],
    ['an empty digest', renderDigest(digestOf([]))],
    [
      'a digest with 500 items in 3 themes',
      renderDigest(
        digestOf(
          Array.from({ length: 500 }, (_, i) =>
            storedItem({
              themes: [(['censorship', 'privacy', 'standards'] as const)[i % 3] ?? 'censorship'],
            }),
          ),
        ),
      ),
    ],
  ])('%s renders into valid messages', (_case, messages) => {
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(m.text.length).toBeGreaterThan(0);
      expect(m.text.length).toBeLessThanOrEqual(40_000);
    }
  });

  it('splits a long text across sections and messages without losing a word', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}&`);
    const messages = renderText(words.join(' '));
    const joined = messages.flatMap((m) => mrkdwnTexts(m.blocks)).join(' ');
    const seen = joined.split(/\s+/).filter((w) => /^w\d+&amp;$/.test(w));
    expect(seen).toEqual(words.map((w) => w.replace('&', '&amp;')));
  });

  it('keeps a 20,000-character title inert and linked only to the item', () => {
    const [m] = renderOutbound({
      kind: 'alert',
      item: storedItem({ title: huge, url: 'https://example.org/x' }),
      subscriptionId: 1,
    });
    const all = mrkdwnTexts(m?.blocks).map(analyzeMrkdwn);
    expect(all.flatMap((a) => a.mentions)).toEqual([]);
    expect(all.flatMap((a) => a.links.map((l) => l.url))).toEqual(['https://example.org/x']);
  });

  it('tells the reader how to get the stories a digest left out, in Slack spelling', () => {
    const [m] = renderDigest(
      digestOf([storedItem()], { omitted: 12, moreQuery: '/search theme:censorship since:1d' }),
    );
    expect(mrkdwnTexts(m?.blocks).join('\n')).toContain(
      '12 more stories not shown. Run `/govwatch-search theme:censorship since:1d`',
    );
  });

  it('a reply longer than five messages is cut to five with a note (one response_url allows five posts)', () => {
    const reply: Reply = {
      ephemeral: true,
      blocks: Array.from({ length: 400 }, (_, i) => ({
        type: 'paragraph' as const,
        text: `p${i} ${'x'.repeat(2900)}`,
      })),
    };
    const messages = renderReply(reply);
    expect(messages).toHaveLength(5);
    for (const m of messages) expect(validateBlocks(m.blocks)).toEqual([]);
    expect(mrkdwnTexts(messages[4]?.blocks).join('\n')).toContain('more message(s) not shown');
  });

  it('turns 30 actions into two action blocks whose values decode back to the command', () => {
    const reply: Reply = {
      ephemeral: true,
      blocks: [{ type: 'paragraph', text: 'x' }],
      actions: Array.from({ length: 30 }, (_, i) => ({
        label: `Page ${i} ${'long label '.repeat(10)}`,
        command: 'search',
        subcommand: null,
        options: { query: 'q', page: i },
      })),
    };
    const [m] = renderReply(reply);
    const actions = (m?.blocks ?? []).filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(2);
    expect(validateBlocks(m?.blocks)).toEqual([]);
    const first = actions[0];
    const value = first && first.type === 'actions' ? first.elements[3]?.value : undefined;
    expect(decodeAction(value ?? '')).toEqual({ c: 'search', s: null, o: { query: 'q', page: 3 } });
  });

  it('drops buttons from a shared (public) reply', () => {
    const reply: Reply = {
      ephemeral: true,
      blocks: [{ type: 'paragraph', text: 'x' }],
      actions: [{ label: 'Next', command: 'search', subcommand: null, options: {} }],
    };
    expect(renderReply(reply, { public: true })[0]?.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
