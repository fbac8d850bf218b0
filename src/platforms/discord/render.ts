// Platform-neutral content (Digest, alert item, Reply) → Discord message bodies within
// Discord's limits. Long content is split across embeds and messages; nothing is dropped.
import { agendaLine, type Digest, type DigestEntry } from '../../digest/types.ts';
import type { StoryEvidence } from '../../evidence/types.ts';
import type { ReplyBlock } from '../../chat/types.ts';
import type { StoredItem } from '../../model.ts';
import { cut, inert, plain, safeUrl } from './escape.ts';

/** Discord's documented limits (message create / embed limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedTotal: 6000,
  fieldValue: 1024,
} as const;

export interface EmbedJson {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  footer?: { text: string };
  timestamp?: string;
  /** `attachment://<name>` shows a file sent with the same message. */
  image?: { url: string };
}

export interface ButtonJson {
  type: 2;
  style: 1 | 2;
  label: string;
  custom_id: string;
}

export interface MessageJson {
  content?: string;
  embeds?: EmbedJson[];
  components?: Array<{ type: 1; components: ButtonJson[] }>;
  allowed_mentions: { parse: [] };
  /** Files sent with the message (multipart/form-data), e.g. a chart the embed shows. */
  files?: Array<{ name: string; data: Uint8Array; description?: string }>;
}

const COLOR = 0x2f6fbf;

/** Characters an embed counts against the 6,000 total (title, description, footer, fields, author). */
export function embedSize(e: EmbedJson): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

const THEME_LABELS: Record<string, string> = {
  'internet-governance': 'Internet governance',
  'ai-governance': 'AI governance',
  'free-expression': 'Free expression',
  other: 'Other',
};

export function themeLabel(theme: string): string {
  return THEME_LABELS[theme] ?? theme.charAt(0).toUpperCase() + theme.slice(1).replace(/-/g, ' ');
}

/** Link text for an item's own link; feed text inside it is inert. */
function linked(title: string, url: string | null, max: number): string {
  const text = cut(inert(title.trim() || '(untitled)'), max);
  const href = safeUrl(url);
  return href ? `[${text}](${href})` : text;
}

/**
 * The evidence lines under a story: each source's label links to its explorer page; the
 * text is escaped like feed text (it is ours, but nothing in a post may ping or format).
 */
export function evidenceLines(evidence: StoryEvidence[] | undefined): string[] {
  return (evidence ?? []).map((story) => {
    const parts = story.segments.map((s) => {
      const href = safeUrl(s.url);
      const label = inert(s.label);
      return `${href ? `[${label}](<${href}>)` : label}: ${inert(s.text)}`;
    });
    return `  ↳ evidence: ${parts.length ? parts.join(' · ') : 'no evidence'}`;
  });
}

function digestLine(entry: DigestEntry): string {
  const it = entry.item;
  let line = `• ${linked(it.title, it.url, 300)} — *${inert(it.sourceName)}* · ${day(it.published)}`;
  if (entry.alsoReportedBy.length > 0) {
    const others = entry.alsoReportedBy.map((o) => linked(o.source, o.url, 80)).join(', ');
    line += `\n  ↳ also: ${others}`;
  }
  for (const ev of evidenceLines(entry.evidence)) line += `\n${ev}`;
  // A single line never exceeds a description; cut only in the pathological case.
  return cut(line, DISCORD_LIMITS.embedDescription);
}

/** Split lines into descriptions of at most `max` characters (lines joined by newlines). */
export function chunkLines(lines: string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const l = cut(line, max);
    if (cur && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Pack embeds into messages: at most 10 embeds and 6,000 embed characters per message. The
 * first message carries `content` (cut into extra leading messages if over 2,000).
 */
export function packMessages(
  content: string,
  embeds: EmbedJson[],
  trailer = '',
  opts: { trailerAsFooter?: boolean } = {},
): MessageJson[] {
  const messages: MessageJson[] = [];
  const contentParts = content ? chunkLines(content.split('\n'), DISCORD_LIMITS.content) : [];
  const base = (): MessageJson => ({ allowed_mentions: { parse: [] } });
  let cur: MessageJson = base();
  let curSize = 0;
  // All but the last content part go alone; the last one rides with the first embeds.
  contentParts.forEach((part, i) => {
    if (i < contentParts.length - 1) messages.push({ ...base(), content: part });
    else cur.content = part;
  });
  for (const e of embeds) {
    const size = embedSize(e);
    const count = cur.embeds?.length ?? 0;
    if (
      count > 0 &&
      (count >= DISCORD_LIMITS.embedsPerMessage || curSize + size > DISCORD_LIMITS.embedTotal)
    ) {
      messages.push(cur);
      cur = base();
      curSize = 0;
    }
    (cur.embeds ??= []).push(e);
    curSize += size;
  }
  const lastEmbed = cur.embeds?.[cur.embeds.length - 1];
  if (
    opts.trailerAsFooter &&
    trailer &&
    lastEmbed &&
    !lastEmbed.footer &&
    curSize + trailer.length <= DISCORD_LIMITS.embedTotal
  ) {
    // Below the last embed, where a reader ends: the embed footer (plain text, no markdown).
    lastEmbed.footer = { text: cut(trailer, DISCORD_LIMITS.embedFooter) };
  } else if (trailer) {
    const t = cut(trailer, DISCORD_LIMITS.content);
    if (cur.content && cur.content.length + 1 + t.length <= DISCORD_LIMITS.content && !cur.embeds) {
      cur.content = `${cur.content}\n${t}`;
    } else if (!cur.content && !cur.embeds) {
      cur.content = t;
    } else {
      messages.push(cur);
      cur = { ...base(), content: t };
    }
  }
  if (cur.content || cur.embeds) messages.push(cur);
  return messages;
}

export function renderDigest(digest: Digest): MessageJson[] {
  const header = [
    `**${inert(digest.title)}**`,
    `${day(digest.since)} → ${day(digest.until)} · ${digest.totalStories} stor${digest.totalStories === 1 ? 'y' : 'ies'}`,
  ].join('\n');
  const embeds: EmbedJson[] = [];
  if (digest.agenda?.length) {
    const lines = digest.agenda.map((a) => `• ${linked(agendaLine(a), a.url, 300)}`);
    for (const description of chunkLines(lines, DISCORD_LIMITS.embedDescription))
      embeds.push({ title: 'Deadlines and meetings', description, color: COLOR });
  }
  for (const section of digest.sections) {
    const chunks = chunkLines(section.entries.map(digestLine), DISCORD_LIMITS.embedDescription);
    chunks.forEach((description, i) => {
      const title = cut(
        `${themeLabel(section.theme)}${i > 0 ? ' (continued)' : ''}`,
        DISCORD_LIMITS.embedTitle,
      );
      embeds.push({ title, description, color: COLOR });
    });
  }
  let trailer = '';
  if (digest.omitted > 0) {
    trailer = `…and ${digest.omitted} more stor${digest.omitted === 1 ? 'y' : 'ies'}`;
    // Footers show no markdown, so the query is shown as typed (no escapes); no pings either way.
    if (digest.moreQuery) trailer += `: ${digest.moreQuery.replace(/@/g, '@\u200b')}`;
  }
  if (embeds.length === 0 && !trailer) trailer = 'No new stories.';
  return packMessages(header, embeds, trailer, { trailerAsFooter: true });
}

function itemFooter(it: {
  sourceName?: string;
  source?: string;
  themes: string[];
  regions: string[];
}): string {
  const parts = [plain(it.sourceName ?? it.source ?? '')];
  if (it.themes.length) parts.push(it.themes.join(', '));
  if (it.regions.length) parts.push(it.regions.join(', '));
  return cut(parts.filter(Boolean).join(' · '), DISCORD_LIMITS.embedFooter);
}

export function renderAlert(item: StoredItem, evidence?: StoryEvidence[]): MessageJson[] {
  const description = [inert(item.summary), ...evidenceLines(evidence).map((l) => l.trim())]
    .filter(Boolean)
    .join('\n');
  const embed: EmbedJson = {
    title: cut(inert(item.title.trim() || '(untitled)'), DISCORD_LIMITS.embedTitle),
    description: cut(description, DISCORD_LIMITS.embedDescription) || undefined,
    color: COLOR,
    footer: { text: itemFooter(item) },
    timestamp: item.published,
  };
  const url = safeUrl(item.url);
  if (url) embed.url = url;
  return packMessages('**New item**', [embed]);
}

export function renderText(text: string): MessageJson[] {
  return packMessages(inert(text), []);
}

function snippetText(snippet: Array<{ text: string; hit: boolean }>): string {
  return snippet.map((s) => (s.hit ? `**${inert(s.text)}**` : inert(s.text))).join('');
}

/**
 * A picture as an embed showing the file sent with the same message (`attachment://name`);
 * Discord resolves that to the uploaded attachment. The alt text is the file's description.
 */
export function renderImageMessage(
  image: { filename: string; png: Uint8Array; title: string; altText: string },
  caption: string,
): MessageJson {
  const embed: EmbedJson = {
    title: cut(inert(image.title), DISCORD_LIMITS.embedTitle),
    color: COLOR,
    image: { url: `attachment://${image.filename}` },
  };
  if (caption) embed.description = cut(inert(caption), DISCORD_LIMITS.embedDescription);
  return {
    embeds: [embed],
    allowed_mentions: { parse: [] },
    // Discord caps attachment descriptions (alt text) at 1,024 characters.
    files: [{ name: image.filename, data: image.png, description: cut(image.altText, 1024) }],
  };
}

/** A command reply: text blocks become content, items become embeds. */
export function renderReplyBlocks(blocks: ReplyBlock[]): MessageJson[] {
  const before: string[] = [];
  const after: string[] = [];
  const embeds: EmbedJson[] = [];
  for (const b of blocks) {
    const lines = embeds.length === 0 ? before : after;
    switch (b.type) {
      case 'heading':
        lines.push(`**${inert(b.text)}**`);
        break;
      case 'paragraph':
        lines.push(inert(b.text));
        break;
      case 'context':
        lines.push(`-# ${inert(b.text)}`);
        break;
      case 'list':
        for (const it of b.items) lines.push(`• ${inert(it)}`);
        break;
      case 'item': {
        const footer = [`#${b.itemId}`, plain(b.source), day(b.published)];
        if (b.themes.length) footer.push(b.themes.join(', '));
        if (b.regions.length) footer.push(b.regions.join(', '));
        let description = snippetText(b.snippet);
        if (b.alsoReportedBy?.length) description += `\nalso: ${b.alsoReportedBy.map(inert).join(', ')}`;
        const e: EmbedJson = {
          title: cut(inert(b.title.trim() || '(untitled)'), DISCORD_LIMITS.embedTitle),
          footer: { text: cut(footer.join(' · '), DISCORD_LIMITS.embedFooter) },
          color: COLOR,
        };
        if (description) e.description = cut(description, DISCORD_LIMITS.embedDescription);
        const url = safeUrl(b.url);
        if (url) e.url = url;
        embeds.push(e);
        break;
      }
    }
  }
  return packMessages(before.join('\n'), embeds, after.join('\n'));
}
