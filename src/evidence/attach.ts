// Evidence under the stories of an outgoing alert or digest, added just before it is sent
// (the outbox keeps the message without it). Cached evidence costs no request; what is not
// cached yet is fetched now, within the service's budget. A failure never stops a delivery.
import type { OutboundMessage } from '../delivery/types.ts';
import type { Logger } from '../log.ts';
import type { StoredItem } from '../model.ts';
import { storyEvidence } from './line.ts';
import { evidenceCountries, type EvidenceService } from './service.ts';
import type { StoryEvidence } from './types.ts';

async function forStory(
  service: EvidenceService,
  item: StoredItem,
  logger?: Logger,
): Promise<StoryEvidence[] | undefined> {
  if (!evidenceCountries(item).length) return undefined;
  try {
    return storyEvidence(await service.forItem(item));
  } catch (err) {
    logger?.warn({ item: item.id, error: String(err) }, 'evidence for a story failed');
    return evidenceCountries(item).map((country) => ({
      country,
      segments: [{ label: 'Evidence', text: 'sources unavailable', url: '' }],
    }));
  }
}

/**
 * The message with evidence under its stories; after `deadlineMs` (a slow source must not
 * hold a delivery past its claim) the message goes as it was stored.
 */
export async function withEvidence(
  message: OutboundMessage,
  service: EvidenceService,
  logger?: Logger,
  deadlineMs = 20_000,
): Promise<OutboundMessage> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<OutboundMessage>((resolve) => {
    timer = setTimeout(() => {
      logger?.warn({ deadline_ms: deadlineMs }, 'evidence took too long; sending without it');
      resolve(message);
    }, deadlineMs);
  });
  try {
    return await Promise.race([decorate(message, service, logger), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function decorate(
  message: OutboundMessage,
  service: EvidenceService,
  logger?: Logger,
): Promise<OutboundMessage> {
  if (message.kind === 'alert') {
    const evidence = await forStory(service, message.item, logger);
    return evidence ? { ...message, evidence } : message;
  }
  if (message.kind === 'digest') {
    const sections = [];
    for (const section of message.digest.sections) {
      const entries = [];
      for (const entry of section.entries) {
        const evidence = await forStory(service, entry.item, logger);
        entries.push(evidence ? { ...entry, evidence } : entry);
      }
      sections.push({ ...section, entries });
    }
    return { ...message, digest: { ...message.digest, sections } };
  }
  return message;
}
