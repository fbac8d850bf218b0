// Shared pieces of the Discord tests: sample items and a check that text reaches
// Discord inert (no live mention, no markdown from the feed, no foreign masked link).
import type { StoredItem } from '../../../src/model.ts';
import type { StoredMessage } from '../../support/discord-standin/index.ts';

export function sampleItem(id: number, over: Partial<StoredItem> = {}): StoredItem {
  return {
    id,
    guid: `g${id}`,
    title: `Item number ${id} about standards`,
    url: `https://example.org/items/${id}`,
    author: null,
    summary: `Summary of item ${id}.`,
    published: '2026-11-25T10:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes: ['standards'],
    regions: ['EU'],
    why: {},
    feedId: 'feed-a',
    sourceName: 'Example Source',
    firstSeen: '2026-11-25T10:05:00Z',
    alertable: true,
    clusterId: id,
    ...over,
  };
}

/**
 * The text of a message that Discord renders as markdown: content, embed titles and
 * descriptions. (Footers are shown as plain text: no markdown, no mentions.)
 */
export function visibleText(m: StoredMessage): string {
  const parts = [m.content];
  for (const e of m.embeds) parts.push(String(e.title ?? ''), String(e.description ?? ''));
  return parts.join('\n');
}

/**
 * Problems that would make feed text active on Discord: unescaped mass/role/user mentions,
 * markdown emphasis, and masked links other than `allowedLinks`.
 */
export function activeMarkup(text: string, allowedLinks: string[]): string[] {
  const problems: string[] = [];
  if (/(?<!\\)@(everyone|here)\b/.test(text)) problems.push('mass mention');
  if (/<@[&!]?\d+>/.test(text)) problems.push('user or role mention');
  if (/<#\d+>/.test(text)) problems.push('channel mention');
  if (/(?<!\\)\*\*bold(?<!\\)\*\*/.test(text)) problems.push('bold from feed text');
  for (const m of text.matchAll(/(?<!\\)\[([^\]]*)\]\(([^)\s]+)\)/g)) {
    if (!allowedLinks.includes(m[2]!)) problems.push(`masked link to ${m[2]}`);
  }
  if (/(?<!\\)https?:\/\/evil\.example/.test(text)) problems.push('bare link to evil.example');
  return problems;
}
