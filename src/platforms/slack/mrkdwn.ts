// Turning untrusted text into inert Slack mrkdwn. Slack parses `<…>` as links and mentions
// (`<!channel>`, `<@U123>`, `<https://x|y>`), and `*`, `_`, `~`, `` ` `` as formatting; it has
// no backslash escape for the latter, so those characters are swapped for look-alikes.
import { httpUrl } from '../../util/safe-url.ts';

const FORMATTING_LOOKALIKES: Record<string, string> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02CD', // ˍ modifier letter low macron
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};

/** Escape the three characters Slack asks apps to escape: `&`, `<`, `>`. */
export function escapeControl(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Untrusted text (feed titles, summaries, user input echoed back) as inert mrkdwn: control
 * characters escaped, formatting characters neutralised, line breaks folded so no line of
 * ours can be turned into a block quote or code block by the text.
 */
export function inert(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return escapeControl(folded).replace(/[*_~`]/g, (c) => FORMATTING_LOOKALIKES[c] ?? c);
}

/** Text we wrote ourselves, shown bold. The content is still escaped (it may embed user input). */
export function bold(text: string): string {
  const t = inert(text);
  return t ? `*${t}*` : '';
}

/**
 * Only http(s) URLs become links. Characters that would end Slack's `<url|label>` syntax early
 * are percent-encoded; `&` is entity-escaped as Slack documents.
 */
export function safeLinkUrl(url: string | null | undefined): string | null {
  const parsed = httpUrl(url);
  if (!parsed) return null;
  return parsed.href
    .replace(/\|/g, '%7C')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\s/g, '%20')
    .replace(/&/g, '&amp;');
}

/**
 * `<url|label>` with an inert label, or just the inert label when the URL is not usable. A `|`
 * in the label becomes `∣` so no reader of the syntax can take part of the title for the URL.
 */
export function link(url: string | null | undefined, label: string): string {
  const safe = safeLinkUrl(url);
  const text = inert(label).replace(/\|/g, '\u2223') || 'link';
  return safe ? `<${safe}|${text}>` : text;
}

/** Cut to at most `max` characters on a code-point boundary, marking the cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
