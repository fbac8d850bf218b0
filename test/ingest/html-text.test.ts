import { describe, expect, it } from 'vitest';
import { cutAtSentence, htmlToText, summarize, titleToText } from '../../src/ingest/html-text.ts';

const cases: [string, string][] = [
  ['<p>Hello <b>world</b></p><p>Again</p>', 'Hello world Again'],
  ['<script>alert("x")</script><style>p{}</style>Visible', 'Visible'],
  ['<SCRIPT type="text/javascript">var a = "<p>";</SCRIPT>Text', 'Text'],
  ['Fish &amp; chips &lt;3 &quot;yes&quot; &#39;no&#39;', 'Fish & chips <3 "yes" \'no\''],
  ['caf&eacute; &euro;5 &hellip; &mdash; &nbsp;x', 'café €5 … — x'],
  ['&#8220;quoted&#8221; &#x2014; &#X41;', '“quoted” — A'],
  ['&#150; windows-1252 dash &#146;', '– windows-1252 dash ’'],
  ['unknown &bogus; stays, bare & too', 'unknown &bogus; stays, bare & too'],
  ['  lots \n\n of \t space  ', 'lots of space'],
  ['a<br/>b<br>c', 'a b c'],
  ['<!-- hidden --><p>shown</p>', 'shown'],
  ['<a href="/x" title="a > b">link</a>, then more', 'link, then more'],
  ['x < y and y > z', 'x < y and y > z'],
  ['zero\u200bwidth soft\u00adhyphen', 'zerowidth softhyphen'],
];

describe('htmlToText', () => {
  it.each(cases)('turns %j into %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('hostile HTML', () => {
  it.each([
    ['unclosed tags', '<a '.repeat(30_000)],
    ['unclosed quotes', '<a title="'.repeat(10_000)],
    ['unclosed scripts', '<script>'.repeat(10_000)],
    ['unclosed declarations', '<!x'.repeat(30_000)],
    ['unclosed CDATA', '<![CDATA['.repeat(10_000)],
    ['unclosed comments', '<!--'.repeat(30_000)],
  ])('handles %s in linear time', (_label, html) => {
    const started = performance.now();
    htmlToText(html);
    titleToText(html);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('titleToText', () => {
  it.each([
    [
      'Last Call: &lt;draft-ietf-tls-esni-18.txt&gt; (TLS ECH)',
      'Last Call: <draft-ietf-tls-esni-18.txt> (TLS ECH)',
    ],
    ['<p>A <em>Candidate</em> Recommendation</p>', 'A Candidate Recommendation'],
    ['AT&amp;T &lt;3 <script>x()</script>', 'AT&T <3'],
    ['Use <code>&lt;ruby&gt;</code> tags', 'Use <ruby> tags'],
    ['The &lt;title&gt; element, explained', 'The <title> element, explained'],
  ])('turns %j into %j', (html, text) => {
    expect(titleToText(html)).toBe(text);
  });
});

describe('cutAtSentence', () => {
  const sentence = 'This sentence is exactly fifty characters long ok. ';

  it('keeps short text as is', () => {
    expect(cutAtSentence('Short. Text.', 500)).toBe('Short. Text.');
  });

  it('cuts at the last sentence end before the limit and marks the cut', () => {
    const text = sentence.repeat(20).trim(); // 1019 characters
    const cut = cutAtSentence(text, 500);
    expect(cut.endsWith('ok. …')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(502);
    expect(cut.length).toBeGreaterThan(400);
  });

  it('cuts at a word boundary when there is no sentence end', () => {
    const text = 'word '.repeat(200).trim();
    const cut = cutAtSentence(text, 500);
    expect(cut.endsWith('word…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(500);
  });

  it('cuts Chinese text at 。 without adding a space', () => {
    const text = '中国信息通信研究院发布白皮书。'.repeat(50);
    const cut = cutAtSentence(text, 500);
    expect(cut.endsWith('。…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(501);
  });

  it('never splits a surrogate pair on a hard cut', () => {
    const text = '😀'.repeat(400);
    const cut = cutAtSentence(text, 500);
    expect(cut.endsWith('…')).toBe(true);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('summarize strips markup and cuts near 500', () => {
    const html = `<p>${sentence.repeat(30)}</p>`;
    expect(summarize(html).length).toBeLessThanOrEqual(502);
  });
});
