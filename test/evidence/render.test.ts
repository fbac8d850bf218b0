// The evidence line under a story is inert on every platform: nothing in it can ping,
// format or link except each source's own explorer link.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderText } from '../../src/digest/render.ts';
import type { StoryEvidence } from '../../src/evidence/types.ts';
import type { StoredItem } from '../../src/model.ts';
import * as discord from '../../src/platforms/discord/render.ts';
import * as slack from '../../src/platforms/slack/render.ts';
import { digestOf } from '../support/digests.ts';

const item: StoredItem = {
  id: 7,
  feedId: 'f',
  sourceName: 'Source',
  guid: 'g',
  title: 'Iraq cuts the internet',
  url: 'https://news.example/7',
  author: null,
  summary: 'Mobile networks were cut.',
  published: '2026-11-20T09:00:00Z',
  publishedEstimated: false,
  lang: 'en',
  themes: ['shutdowns'],
  regions: ['IQ'],
  why: {},
  firstSeen: '2026-11-20T09:05:00Z',
  alertable: true,
  clusterId: null,
};

const normal: StoryEvidence[] = [
  {
    country: 'IQ',
    segments: [
      {
        label: 'OONI',
        text: "38% of web tests anomalous in IQ on 19–20 Nov, ×6 the month's median",
        url: 'https://explorer.ooni.org/chart/mat?probe_cc=IQ&since=2026-11-19',
      },
      { label: 'IODA', text: 'source unavailable', url: 'https://ioda.inetintel.cc.gatech.edu/country/IQ' },
    ],
  },
];

// Not what the line builder makes, but what the renderers must survive.
const hostile: StoryEvidence[] = [
  {
    country: 'IQ',
    segments: [
      {
        label: '@everyone',
        text: '<@123> <!channel> **bold** [x](https://evil.example) https://evil.example',
        url: 'javascript:alert(1)',
      },
    ],
  },
];

describe('the evidence line', () => {
  it('Discord: under digest stories and alerts, linked to the explorer, no mentions', () => {
    const digest = digestOf([item]);
    digest.sections[0]!.entries[0]!.evidence = normal;
    const [msg] = discord.renderDigest(digest);
    const text = msg!.embeds!.map((e) => e.description).join('\n');
    expect(text).toContain(
      '↳ evidence: [OONI](<https://explorer.ooni.org/chart/mat?probe_cc=IQ&since=2026-11-19>): 38% of web tests',
    );
    expect(text).toContain('[IODA](<https://ioda.inetintel.cc.gatech.edu/country/IQ>): source unavailable');
    expect(msg!.allowed_mentions).toEqual({ parse: [] });
    const alert = discord.renderAlert(item, normal)[0]!;
    expect(alert.embeds![0]!.description).toContain('evidence: [OONI](<https://explorer.ooni.org');

    const bad = discord.renderAlert(item, hostile)[0]!;
    const d = bad.embeds![0]!.description!;
    expect(d).not.toMatch(/@everyone|<@123>|<!channel>|\*\*bold\*\*|\]\(https:\/\/evil|javascript:/);
    expect(d).not.toMatch(/https:\/\/evil\.example(?!\u200b)/);
    expect(bad.allowed_mentions).toEqual({ parse: [] });
  });

  it('Slack: under digest stories and alerts, escaped, the source label links to the explorer', () => {
    const digest = digestOf([item]);
    digest.sections[0]!.entries[0]!.evidence = normal;
    const text = JSON.stringify(slack.renderDigest(digest));
    expect(text).toContain(
      'Evidence: <https://explorer.ooni.org/chart/mat?probe_cc=IQ&amp;since=2026-11-19|OONI>: 38% of web tests',
    );
    const bad = JSON.stringify(slack.renderAlert(item, 1, hostile));
    expect(bad).not.toMatch(/<@123>|<!channel>|\*\*bold|<https:\/\/evil|javascript:/);
    expect(bad).toContain('&lt;@123&gt; &lt;!channel&gt;');
  });

  it('terminal and Markdown: plain text with the links after it', () => {
    const digest = digestOf([item]);
    digest.sections[0]!.entries[0]!.evidence = normal;
    const text = renderText(digest);
    expect(text).toContain(
      "  Evidence: OONI: 38% of web tests anomalous in IQ on 19–20 Nov, ×6 the month's median · IODA: source unavailable",
    );
    expect(text).toContain(
      '    https://explorer.ooni.org/chart/mat?probe_cc=IQ&since=2026-11-19 https://ioda.inetintel.cc.gatech.edu/country/IQ',
    );
    digest.sections[0]!.entries[0]!.evidence = hostile;
    const md = renderMarkdown(digest);
    expect(md).not.toMatch(/javascript:|<@123>|\]\(https:\/\/evil/);
  });
});
