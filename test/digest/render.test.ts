import { describe, expect, it } from 'vitest';
import {
  escapeMarkdown,
  renderJson,
  renderMarkdown,
  renderText,
  terminalMoreCommand,
} from '../../src/digest/render.ts';
import type { Digest } from '../../src/digest/types.ts';
import { makeItem } from './helpers.ts';

function digestOf(title: string, summary = '', url: string | null = 'https://example.org/a'): Digest {
  return {
    target: null,
    title: 'govwatch digest',
    since: '2026-11-25T08:00:00.000Z',
    until: '2026-11-26T08:00:00.000Z',
    sections: [
      {
        theme: 'censorship',
        entries: [
          {
            item: makeItem({ id: 7, title, summary, url, sourceName: 'EFF', themes: ['censorship'] }),
            alsoReportedBy: [{ itemId: 8, source: 'HRW [x](http://evil)', url: 'https://hrw.example/b' }],
          },
        ],
      },
    ],
    totalStories: 3,
    omitted: 2,
    moreQuery: '/search theme:censorship since:2026-11-25',
  };
}

/** Every Markdown link target in the text. */
function linkTargets(md: string): string[] {
  return [...md.matchAll(/(?<!\\)\]\((?:<([^>]*)>|([^)\s]*))\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('renderMarkdown', () => {
  const hostile = '*bold* [x](http://evil) @everyone <@&123> <!channel> _it_ `code` ||spoiler|| # head';
  const md = renderMarkdown(digestOf(hostile, 'Visit www.evil.example or https://evil.example/x now @here'));

  it('links only the items’ own URLs', () => {
    expect(linkTargets(md)).toEqual(['https://example.org/a', 'https://hrw.example/b']);
    expect(md).not.toMatch(/https?:\/\/evil/);
    expect(md).not.toMatch(/www\.evil/);
  });

  it('keeps markdown control characters and mentions inert', () => {
    expect(md).toContain('\\*bold\\*');
    expect(md).toContain('\\[x\\]\\(http');
    expect(md).not.toMatch(/@everyone|@here/);
    expect(md).toContain('@\u200Beveryone');
    expect(md).toContain('\\<@\u200B&123\\>');
    expect(md).toContain('\\|\\|spoiler\\|\\|');
    expect(md).toContain('\\`code\\`');
  });

  it('has the structure: title, count, theme section, entry with sources, the more-line', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## govwatch digest');
    expect(lines[1]).toMatch(/^1 of 3 stories since 25 Nov 2026/);
    expect(md).toContain('### Censorship (1)');
    expect(md).toMatch(/^- \*\*\[.*\]\(<https:\/\/example\.org\/a>\)\*\* \(EFF, /m);
    expect(md).toMatch(
      /^ {2}also reported by \[HRW \\\[x\\\]\\\(http\u200B:\/\/evil\\\)\]\(<https:\/\/hrw\.example\/b>\)$/m,
    );
    expect(lines.at(-2)).toBe('And 2 more: `/search theme:censorship since:2026-11-25`');
  });

  it('drops links with schemes other than http(s) and encodes ones that could break out', () => {
    expect(linkTargets(renderMarkdown(digestOf('t', '', 'javascript:alert(1)')))).toEqual([
      'https://hrw.example/b',
    ]);
    const odd = renderMarkdown(digestOf('t', '', 'https://example.org/a_(b)>c'));
    expect(linkTargets(odd)[0]).toBe('https://example.org/a_%28b%29%3Ec');
  });

  it('escapes a leading list or heading marker', () => {
    expect(escapeMarkdown('- not a list')).toBe('\\- not a list');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
  });
});

describe('renderText', () => {
  it('prints one line per field with control characters removed', () => {
    const text = renderText(digestOf('Title\u001b[31m red\u202Eevil\nsecond line', 'Summary\twith tab'));
    expect(text.includes('\u001b') || text.includes('\u202E')).toBe(false);
    expect(text).toContain('* Title [31m red evil second line');
    expect(text).toContain('  EFF, 20 Nov 2026 · https://example.org/a');
    expect(text).toContain('  Also reported by: HRW [x](http://evil)');
    expect(text).toContain('== Censorship (1) ==');
    // A terminal reader gets the command that shows the rest there, not a chat command.
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'And 2 more: govwatch digest --themes censorship --since 2026-11-25 --limit 3',
    );
  });

  it.each([
    ['/search since:2026-12-06', 'govwatch digest --since 2026-12-06 --limit 9'],
    [
      '/search "data retention" theme:privacy,surveillance region:EU source:edri since:2026-12-01',
      "govwatch digest --themes privacy,surveillance --regions EU --source edri --since 2026-12-01 --keywords 'data retention' --limit 9",
    ],
    [`/search "it's" since:2026-12-01`, `govwatch digest --since 2026-12-01 --keywords 'it'\\''s' --limit 9`],
    ['/search colour:red since:2026-12-01', null],
    ['search since:2026-12-01', null],
  ])('the chat hint %j in a terminal: %j', (query, command) => {
    expect(terminalMoreCommand(query, 9)).toBe(command);
  });

  it('says so when there is nothing new', () => {
    const empty: Digest = { ...digestOf('x'), sections: [], totalStories: 0, omitted: 0, moreQuery: null };
    expect(renderText(empty)).toContain('Nothing new.');
  });
});

describe('renderJson', () => {
  it('is the Digest itself', () => {
    const d = digestOf('x');
    expect(JSON.parse(renderJson(d))).toEqual(JSON.parse(JSON.stringify(d)));
  });
});
