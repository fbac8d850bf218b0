// Background fetching of evidence for new shutdown/censorship stories, after they are
// stored and off the ingest path: the poller hands new items over and returns at once; this
// worker asks the sources one country and window at a time, so the evidence is cached by
// the time a digest (or a slower alert) shows it.
import type { Logger } from '../log.ts';
import type { StoredItem } from '../model.ts';
import { evidenceCountries, itemWindow, namedDomain, type EvidenceService } from './service.ts';

export interface EvidenceWorker {
  /** Queue the evidence of these items (non-blocking; items that get none are skipped). */
  enqueue(items: StoredItem[]): void;
  /** Resolves when the queue is empty (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createEvidenceWorker(
  service: EvidenceService,
  logger: Logger,
  now: () => Date = () => new Date(),
): EvidenceWorker {
  const queue = new Map<string, { country: string; from: string; until: string; domain?: string }>();
  let running: Promise<void> | null = null;
  let stopped = false;

  async function drain(): Promise<void> {
    while (!stopped && queue.size) {
      const [key, job] = queue.entries().next().value as [
        string,
        { country: string; from: string; until: string; domain?: string },
      ];
      queue.delete(key);
      try {
        const evidence = await service.forWindow(
          job.country,
          job.from,
          job.until,
          job.domain ? { domain: job.domain } : {},
        );
        const missing = evidence.filter((e) => !e.figures).map((e) => `${e.source}/${e.kind}`);
        logger.debug(
          { country: job.country, from: job.from, until: job.until, unavailable: missing },
          'evidence fetched',
        );
      } catch (err) {
        logger.warn({ country: job.country, error: String(err) }, 'evidence fetch failed');
      }
    }
  }

  return {
    enqueue(items) {
      for (const item of items) {
        const { from, until } = itemWindow(item, now());
        const domain = namedDomain(item);
        for (const country of evidenceCountries(item)) {
          queue.set(`${country}|${from}|${until}|${domain ?? ''}`, {
            country,
            from,
            until,
            ...(domain ? { domain } : {}),
          });
        }
      }
      if (!running && queue.size && !stopped) {
        running = drain().finally(() => {
          running = null;
        });
      }
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
