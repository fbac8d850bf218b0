import { describe, expect, it } from 'vitest';
import { cut, inert, safeUrl } from '../../../src/platforms/discord/escape.ts';
import { activeMarkup } from './helpers.ts';

describe('inert feed text', () => {
  it.each([
    { name: 'mass mentions', text: '@everyone and @here', gone: /(?<![\\\u200b])@(everyone|here)/ },
    { name: 'role mention', text: 'hi <@&123>', gone: /<@&123>/ },
    { name: 'user mention', text: 'hi <@42> <@!42>', gone: /<@!?42>/ },
    { name: 'channel mention', text: 'see <#7>', gone: /<#7>/ },
    { name: 'slash command mention', text: '</ban:1>', gone: /<\/ban:1>/ },
    { name: 'bold', text: '**bold**', gone: /(?<!\\)\*\*bold/ },
    { name: 'masked link', text: '[x](https://evil.example)', gone: /(?<!\\)\[x\]\(https/ },
    { name: 'bare link', text: 'go to https://evil.example now', gone: /https:\/\/evil/ },
    { name: 'heading', text: '# Big', gone: /^# / },
    { name: 'block quote', text: '> quoted', gone: /^> / },
    { name: 'code block', text: '```js\nx\n```', gone: /(?<!\\)```/ },
    { name: 'spoiler', text: '||secret||', gone: /(?<!\\)\|\|secret/ },
  ])('neutralises $name', ({ text, gone }) => {
    const out = inert(text);
    expect(out).not.toMatch(gone);
    expect(activeMarkup(out, [])).toEqual([]);
    // The reader still sees the same characters (escapes and zero-width spaces aside).
    expect(out.replace(/[\\\u200b]/g, '')).toBe(text.replace(/\\/g, ''));
  });

  it.each([
    { url: 'https://example.org/a_(b)', out: 'https://example.org/a_%28b%29' },
    { url: 'javascript:alert(1)', out: null },
    { url: 'not a url', out: null },
    { url: null, out: null },
  ])('links only http(s) URLs, safe inside a masked link: $url', ({ url, out }) => {
    expect(safeUrl(url)).toBe(out);
  });

  it('cuts without leaving a dangling escape', () => {
    const s = inert('a'.repeat(9) + '*b');
    expect(cut(s, 11)).toBe(`${'a'.repeat(9)}…`);
  });
});
