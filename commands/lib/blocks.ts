// Turning archive items and digests into platform-neutral reply blocks.
import type { ReplyBlock } from '../../src/chat/types.ts';
import { agendaLine, type Digest } from '../../src/digest/types.ts';
import type { StoredItem } from '../../src/model.ts';
import type { Snippet } from '../../src/store/types.ts';

export function itemBlock(item: StoredItem, snippet?: Snippet, alsoReportedBy?: string[]): ReplyBlock {
  return {
    type: 'item',
    itemId: item.id,
    title: item.title,
    url: item.url,
    source: item.sourceName,
    published: item.published,
    themes: item.themes,
    regions: item.regions,
    snippet: snippet ?? (item.summary ? [{ text: item.summary, hit: false }] : []),
    ...(alsoReportedBy?.length ? { alsoReportedBy } : {}),
  };
}

export function digestBlocks(digest: Digest): ReplyBlock[] {
  const blocks: ReplyBlock[] = [{ type: 'heading', text: digest.title }];
  if (digest.agenda?.length) {
    blocks.push({ type: 'heading', text: 'Deadlines and meetings' });
    blocks.push({ type: 'list', items: digest.agenda.map((a) => `${agendaLine(a)} ${a.url}`) });
  }
  if (!digest.sections.length) {
    blocks.push({ type: 'paragraph', text: 'Nothing new since the last digest.' });
    return blocks;
  }
  for (const section of digest.sections) {
    blocks.push({ type: 'heading', text: section.theme });
    for (const entry of section.entries) {
      blocks.push(
        itemBlock(
          entry.item,
          undefined,
          entry.alsoReportedBy.map((a) => a.source),
        ),
      );
    }
  }
  if (digest.omitted > 0) {
    blocks.push({
      type: 'context',
      text: `…and ${digest.omitted} more${digest.moreQuery ? `: ${digest.moreQuery}` : ''}`,
    });
  }
  return blocks;
}
