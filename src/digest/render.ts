// Plain-text and Markdown renderings of a Digest (the chat platforms have their own under
// src/platforms/, which may reuse the helpers here). Feed text is untrusted: every title,
// summary and source name goes through `plainText` (terminal) or `escapeMarkdown`, and the
// only links are the items' own http(s) URLs.
import type { StoryEvidence } from '../evidence/types.ts';
import type { ThemeId } from '../model.ts';
import { markdownLinkUrl } from '../util/safe-url.ts';
import { agendaLine, type Digest, type DigestEntry } from './types.ts';

export const THEME_LABELS: Record<ThemeId | 'other', string> = {
  censorship: 'Censorship',
  surveillance: 'Surveillance',
  encryption: 'Encryption',
  shutdowns: 'Shutdowns',
  standards: 'Standards',
  'internet-governance': 'Internet governance',
  cybercrime: 'Cybercrime',
  cybersecurity: 'Cybersecurity',
  privacy: 'Privacy',
  disinformation: 'Disinformation',
  platforms: 'Platforms',
  'ai-governance': 'AI governance',
  'free-expression': 'Free expression',
  geopolitics: 'Geopolitics',
  infrastructure: 'Infrastructure',
  other: 'Other',
};

export interface RenderOptions {
  /** IANA zone for the dates shown; default UTC. */
  timeZone?: string;
  /** Show a one-line excerpt of each summary; default true. */
  summaries?: boolean;
  /** Longest excerpt, in characters; default 200. */
  summaryChars?: number;
}

// C0/C1 controls (terminal escapes), bidi overrides/isolates and other invisible format
// characters that can disguise text. Zero-width joiners stay (emoji and Indic scripts need them).
const UNSAFE_CHARS = /[\p{Cc}\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

/** Untrusted text for a terminal or plain-text message: one line, no control characters. */
export function plainText(text: string): string {
  return text.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

const ZWSP = '\u200B';

/**
 * Untrusted text for Markdown (CommonMark, GitHub, Discord): shows as typed, with no
 * formatting, no links and no mentions. Markdown punctuation is backslash-escaped; URL
 * schemes and `www.` are broken with a zero-width space so nothing autolinks; `@` is
 * followed by a zero-width space so `@everyone` or `<@123>` mention no one.
 */
export function escapeMarkdown(text: string): string {
  let s = plainText(text);
  s = s.replace(/[\\`*_~|[\]()<>#!{}]/g, (c) => `\\${c}`);
  // A leading list, quote or heading marker would change the block structure.
  s = s.replace(/^([-+=>])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
  s = s.replace(/\b([a-z][a-z0-9+.-]*)(:\/\/)/gi, `$1${ZWSP}$2`);
  s = s.replace(/\bwww\./gi, `www${ZWSP}.`);
  s = s.replace(/\b(mailto|tel|javascript|data):/gi, `$1${ZWSP}:`);
  s = s.replace(/@(?=[\p{L}\p{N}&!#])/gu, `@${ZWSP}`);
  return s;
}

/** An item's own URL, if it is http(s), encoded so it cannot break out of `(<…>)`. */
export const safeLinkUrl: (url: string | null) => string | null = markdownLinkUrl;

function excerpt(text: string, max: number): string {
  const t = plainText(text);
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function formatDate(iso: string, timeZone: string, withTime: boolean): string {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } : {}),
  }).format(d);
}

function storyCount(n: number): string {
  return `${n} ${n === 1 ? 'story' : 'stories'}`;
}

function header(d: Digest, tz: string): string {
  const shown = d.totalStories - d.omitted;
  const counted = d.omitted > 0 ? `${shown} of ${storyCount(d.totalStories)}` : storyCount(d.totalStories);
  return `${counted} since ${formatDate(d.since, tz, true)}`;
}

export function renderText(digest: Digest, opts: RenderOptions = {}): string {
  const tz = opts.timeZone ?? 'UTC';
  const lines: string[] = [plainText(digest.title), header(digest, tz)];
  if (digest.agenda?.length) {
    lines.push('', '== Deadlines and meetings ==');
    for (const a of digest.agenda) {
      const url = safeLinkUrl(a.url);
      lines.push(`* ${plainText(agendaLine(a))}${url ? `\n  ${url}` : ''}`);
    }
  }
  if (digest.totalStories === 0) lines.push('', 'Nothing new.');
  for (const section of digest.sections) {
    lines.push('', `== ${THEME_LABELS[section.theme]} (${section.entries.length}) ==`);
    for (const e of section.entries) lines.push(...textEntry(e, tz, opts));
  }
  if (digest.omitted > 0) {
    const more = digest.moreQuery ? terminalMoreCommand(digest.moreQuery, digest.totalStories) : null;
    lines.push('', `And ${digest.omitted} more${more ? `: ${plainText(more)}` : '.'}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The chat hint for the stories beyond the cap (`/search "kw" theme:a,b region:X source:s
 * since:YYYY-MM-DD`, see moreQueryFor) as the command that shows them in a terminal:
 * `govwatch digest --since … --themes … --limit <all>`. Null when the hint is not that shape.
 */
export function terminalMoreCommand(moreQuery: string, total: number): string | null {
  const m = /^\/search((?: "(?:[^"\\]|\\.)*")?)((?: [a-z]+:\S+)*)$/.exec(moreQuery);
  if (!m) return null;
  const flags: Record<string, string> = { theme: '--themes', region: '--regions', source: '--source' };
  const parts = ['govwatch digest'];
  for (const opt of (m[2] ?? '').trim().split(' ').filter(Boolean)) {
    const [key, value] = [opt.slice(0, opt.indexOf(':')), opt.slice(opt.indexOf(':') + 1)];
    if (key === 'since') parts.push(`--since ${value}`);
    else if (flags[key]) parts.push(`${flags[key]} ${value}`);
    else return null;
  }
  if (m[1]) parts.push(`--keywords '${(JSON.parse(m[1].trim()) as string).replace(/'/g, `'\\''`)}'`);
  parts.push(`--limit ${total}`);
  return parts.join(' ');
}

function textEntry(e: DigestEntry, tz: string, opts: RenderOptions): string[] {
  const out = [`* ${plainText(e.item.title) || '(untitled)'}`];
  const url = safeLinkUrl(e.item.url);
  out.push(
    `  ${plainText(e.item.sourceName)}, ${formatDate(e.item.published, tz, false)}${url ? ` · ${url}` : ''}`,
  );
  if (e.alsoReportedBy.length) {
    out.push(`  Also reported by: ${e.alsoReportedBy.map((r) => plainText(r.source)).join(', ')}`);
  }
  if (opts.summaries !== false && e.item.summary.trim()) {
    out.push(`  ${excerpt(e.item.summary, opts.summaryChars ?? 200)}`);
  }
  out.push(...evidenceTextLines(e.evidence));
  return out;
}

/** Evidence under a story for a terminal: "Evidence: OONI: … · IODA: …", then the links. */
export function evidenceTextLines(evidence: StoryEvidence[] | undefined): string[] {
  const out: string[] = [];
  for (const story of evidence ?? []) {
    const parts = story.segments.map((s) => `${plainText(s.label)}: ${plainText(s.text)}`);
    out.push(`  Evidence: ${parts.length ? parts.join(' · ') : 'no evidence'}`);
    const urls = story.segments.map((s) => safeLinkUrl(s.url)).filter((u): u is string => !!u);
    if (urls.length) out.push(`    ${urls.join(' ')}`);
  }
  return out;
}

/** Evidence under a story in Markdown: each source's label links to its explorer page. */
export function evidenceMarkdownLines(evidence: StoryEvidence[] | undefined): string[] {
  return (evidence ?? []).map((story) => {
    const parts = story.segments.map(
      (s) => `${markdownLink(escapeMarkdown(s.label), s.url)}: ${escapeMarkdown(s.text)}`,
    );
    return `  evidence: ${parts.length ? parts.join(' · ') : 'no evidence'}`;
  });
}

export function renderMarkdown(digest: Digest, opts: RenderOptions = {}): string {
  const tz = opts.timeZone ?? 'UTC';
  const lines: string[] = [`## ${escapeMarkdown(digest.title)}`, escapeMarkdown(header(digest, tz))];
  if (digest.agenda?.length) {
    lines.push('', '### Deadlines and meetings');
    for (const a of digest.agenda) lines.push(`- ${markdownLink(escapeMarkdown(agendaLine(a)), a.url)}`);
  }
  if (digest.totalStories === 0) lines.push('', 'Nothing new.');
  for (const section of digest.sections) {
    lines.push('', `### ${THEME_LABELS[section.theme]} (${section.entries.length})`);
    for (const e of section.entries) lines.push(...markdownEntry(e, tz, opts));
  }
  if (digest.omitted > 0) {
    // The query is ours, but built from user-chosen keywords: show it as code, backticks removed.
    const q = digest.moreQuery ? `: \`${plainText(digest.moreQuery).replace(/`/g, "'")}\`` : '.';
    lines.push('', `And ${digest.omitted} more${q}`);
  }
  return `${lines.join('\n')}\n`;
}

function markdownLink(text: string, url: string | null): string {
  const safe = safeLinkUrl(url);
  // `<…>` destinations: no embed previews on Discord, and no parsing surprises anywhere.
  return safe ? `[${text}](<${safe}>)` : text;
}

function markdownEntry(e: DigestEntry, tz: string, opts: RenderOptions): string[] {
  const title = escapeMarkdown(e.item.title) || '(untitled)';
  const meta = `${escapeMarkdown(e.item.sourceName)}, ${formatDate(e.item.published, tz, false)}`;
  const out = [`- **${markdownLink(title, e.item.url)}** (${meta})`];
  if (e.alsoReportedBy.length) {
    const others = e.alsoReportedBy.map((r) => markdownLink(escapeMarkdown(r.source), r.url));
    out.push(`  also reported by ${others.join(', ')}`);
  }
  if (opts.summaries !== false && e.item.summary.trim()) {
    out.push(`  ${escapeMarkdown(excerpt(e.item.summary, opts.summaryChars ?? 200))}`);
  }
  out.push(...evidenceMarkdownLines(e.evidence));
  return out;
}

/** The `--format json` form: the Digest itself. */
export function renderJson(digest: Digest): string {
  return `${JSON.stringify(digest, null, 2)}\n`;
}
