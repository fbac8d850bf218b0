// Plain text out of the HTML that feeds put in descriptions and titles: no markup, scripts
// or styles, every entity decoded, whitespace folded to single spaces, and a cut at a
// sentence boundary near the wanted length.
import { decodeEntities } from './html-entities.ts';

/** Only so much HTML is read for a summary; keeps a megabyte-long article cheap. */
const MAX_HTML_SCANNED = 64 * 1024;

const DROPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'svg',
  'math',
  'head',
  'title',
]);
const DROPPED_OPEN = /<(script|style|noscript|template|iframe|object|svg|math|head|title)\b/gi;
// Every scan below stops at the next "<", so hostile input (thousands of unclosed tags)
// costs linear time, not quadratic.
const TAG = /<\/?([A-Za-z][A-Za-z0-9:-]*)(?:[^<>"']|"[^<"]*"|'[^<']*')*>/g;

/** Remove script/style/… elements with their content; an unclosed one runs to the end. */
function dropElements(html: string, names: ReadonlySet<string> = DROPPED): string {
  const lower = html.toLowerCase();
  let out = '';
  let last = 0;
  DROPPED_OPEN.lastIndex = 0;
  for (let m = DROPPED_OPEN.exec(html); m; m = DROPPED_OPEN.exec(html)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!names.has(name)) continue;
    out += `${html.slice(last, m.index)} `;
    const close = lower.indexOf(`</${name}`, DROPPED_OPEN.lastIndex);
    const end = close === -1 ? -1 : lower.indexOf('>', close);
    if (end === -1) return out;
    last = end + 1;
    DROPPED_OPEN.lastIndex = last;
  }
  return out + html.slice(last);
}

const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
// C0 controls other than tab/newline/CR, and DEL: never meaningful in a summary.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function foldWhitespace(text: string): string {
  return text.replace(INVISIBLE, '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Tags that titles really use; anything else in a title (`<draft-ietf-tls-esni>`) is text. */
const TITLE_TAGS = new Set(
  (
    'a abbr b big br cite code del dfn em font i img ins kbd mark q s samp small span strike strong sub sup ' +
    'time tt u var wbr p div h1 h2 h3 h4 h5 h6 ul ol li blockquote pre'
  ).split(' '),
);

const TITLE_DROPPED = new Set(['script', 'style']);

/**
 * Plain text for a title: entities decoded and inline markup dropped, but unknown
 * tag-like text kept, since titles quote things like `<draft-ietf-tls-esni-18.txt>`.
 */
export function titleToText(html: string): string {
  const s = html.includes('<')
    ? dropElements(html, TITLE_DROPPED).replace(TAG, (tag, name: string) =>
        TITLE_TAGS.has(name.toLowerCase()) ? ' ' : tag,
      )
    : html;
  return foldWhitespace(decodeEntities(s)).replace(/ ([,.;:!?])(?=\s|$)/g, '$1');
}

/** HTML (or text that may contain markup and entities) to one line of plain text. */
export function htmlToText(html: string): string {
  let s = html;
  if (s.length > MAX_HTML_SCANNED) {
    s = s.slice(0, MAX_HTML_SCANNED);
    const lt = s.lastIndexOf('<');
    if (lt > s.lastIndexOf('>')) s = s.slice(0, lt); // a tag cut in half
  }
  if (s.includes('<')) {
    s = dropElements(s.replace(/<!--[^]*?(?:-->|$)/g, ' ').replace(/<!\[CDATA\[([^]*?)(?:\]\]>|$)/g, '$1'))
      // Any tag becomes a space: inline tags rarely separate words without spaces of their
      // own, and joining "word</p><p>Word" into "wordWord" is the worse error.
      .replace(TAG, ' ')
      .replace(/<[!?][^<>]*>/g, ' ');
  }
  return foldWhitespace(decodeEntities(s)).replace(/ ([,.;:!?])(?=\s|$)/g, '$1');
}

const CJK = /[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/;
const SENTENCE_END = /[.!?…]["'”’»)\]]*(?= )|[。！？][」』”’）]*/g;

/**
 * Cut `text` to about `max` characters: at the last sentence end past half of it, else at
 * a word boundary, else hard. An ellipsis marks every cut.
 */
export function cutAtSentence(text: string, max = 500): string {
  if (text.length <= max) return text;
  const window = text.slice(0, max);
  let sentenceEnd = -1;
  for (const m of window.matchAll(SENTENCE_END)) {
    const end = (m.index ?? 0) + m[0].length;
    if (end <= max) sentenceEnd = end;
  }
  if (sentenceEnd >= max / 2) {
    const head = text.slice(0, sentenceEnd).trimEnd();
    return CJK.test(head.slice(-1)) ? `${head}…` : `${head} …`;
  }
  const space = window.lastIndexOf(' ', max - 1);
  if (space >= max / 2) return `${text.slice(0, space).trimEnd()}…`;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // never split a surrogate pair
  return `${text.slice(0, cut)}…`;
}

/** The summary shown for an item: plain text cut near 500 characters. */
export function summarize(html: string, max = 500): string {
  return cutAtSentence(htmlToText(html), max);
}
