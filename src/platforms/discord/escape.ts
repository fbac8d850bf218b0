// Feed text is untrusted: whatever a title says, it must reach Discord as plain text.
// Markdown is escaped (discord.js escapeMarkdown, with headings, lists and masked links),
// mention-like tokens are broken with a zero-width space, and bare URLs are kept from
// auto-linking so the only link in a post is the item's own. allowed_mentions {parse: []}
// is the second lock on pings; this is the first.
import { escapeMarkdown } from 'discord.js';
import { markdownLinkUrl } from '../../util/safe-url.ts';

const ZWSP = '\u200b';

export function inert(text: string): string {
  let out = escapeMarkdown(text, {
    codeBlock: true,
    inlineCode: true,
    bold: true,
    italic: true,
    underline: true,
    strikethrough: true,
    spoiler: true,
    codeBlockContent: true,
    inlineCodeContent: true,
    escape: true,
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  out = out
    // @everyone / @here, and user/role/channel/emoji/timestamp/command tokens: <@1>, <@&1>, <#1>, </x:1>, <t:1>
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/<([@#/:!]|a:|t:|id:)/gi, `<${ZWSP}$1`)
    // Any remaining masked-link shape "[text](" loses its meaning once "[" and "(" are escaped.
    .replace(/\]\(/g, '\\]\\(')
    // Bare links: Discord auto-links scheme://; a zero-width space after the colon stops that.
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, `$1:${ZWSP}//`)
    // Block quotes at the start of a line.
    .replace(/^(\s*)>/gm, '$1\\>');
  return out;
}

/** Only http(s) URLs are linked; characters that would end a masked link are percent-encoded. */
export const safeUrl = markdownLinkUrl;

/** Cut to `max` characters with an ellipsis, never inside an escape sequence. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let s = text.slice(0, Math.max(0, max - 1));
  // Drop a dangling backslash or lone surrogate so the cut does not change what follows.
  while (s.endsWith('\\') || /[\ud800-\udbff]$/.test(s) || s.endsWith(ZWSP)) s = s.slice(0, -1);
  return `${s}…`;
}

/** For embed footers, which Discord shows as plain text (no markdown, no mentions): only tidy it. */
export function plain(text: string): string {
  // Control characters are what this removes.
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u001f\u007f]+/g;
  return text.replace(controls, ' ').replace(/\s+/g, ' ').trim();
}
