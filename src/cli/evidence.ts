// `govwatch evidence`: what OONI, IODA (and Cloudflare Radar with a token) say about a
// country over a few days, or about the countries of one archived story. Answers are
// cached in the archive when there is one; without an archive (SQLite file missing) the
// command still works, with a cache that lives for the run.
import { existsSync } from 'node:fs';
import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { addDays, dayOf, isDay } from '../evidence/days.ts';
import { evidencePlainLine, storyEvidence } from '../evidence/line.ts';
import { EvidenceService, evidenceCountries } from '../evidence/service.ts';
import type { Evidence } from '../evidence/types.ts';
import { UserError } from '../model.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { out, printJson } from './output.ts';

export interface EvidenceOptions {
  country?: string;
  from?: string;
  until?: string;
  item?: string;
  json?: boolean;
}

/** Longest window asked in one command: the APIs are not for bulk transfers. */
const MAX_DAYS = 62;

async function openCache(config: Config): Promise<Store> {
  if (!config.databaseUrl && config.dbPath !== ':memory:' && !existsSync(config.dbPath)) {
    return openStore({ dbPath: ':memory:', databaseUrl: undefined });
  }
  return openArchiveForReading(config);
}

function checkDay(value: string, flag: string): string {
  if (!isDay(value))
    throw new UserError('bad-option', `${flag} must be a date like 2026-11-18, not "${value}"`);
  return value;
}

export async function runEvidence(config: Config, opts: EvidenceOptions): Promise<void> {
  if (!opts.country === !opts.item) {
    throw new UserError('bad-option', 'give either --country <CC> or --item <id>');
  }
  const now = new Date();
  if (opts.country) {
    const country = opts.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) {
      throw new UserError(
        'bad-option',
        `--country must be a two-letter country code like IQ, not "${opts.country}"`,
      );
    }
    const until = opts.until ? checkDay(opts.until, '--until') : dayOf(now);
    const from = opts.from ? checkDay(opts.from, '--from') : addDays(until, -6);
    if (from > until) throw new UserError('bad-option', '--from must not be after --until');
    if (addDays(from, MAX_DAYS - 1) < until) {
      throw new UserError('bad-option', `ask for at most ${MAX_DAYS} days at a time`);
    }
    if (from > dayOf(now)) throw new UserError('bad-option', '--from is in the future');
    const store = await openCache(config);
    try {
      const service = new EvidenceService({ store, config: config.evidence });
      print(await service.forWindow(country, from, until), opts.json);
    } finally {
      await store.close();
    }
    return;
  }
  const id = Number(String(opts.item).replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UserError('bad-option', `--item must be an item number, not "${opts.item}"`);
  const store = await openArchiveForReading(config);
  try {
    const item = await store.getItem(id);
    if (!item) throw new UserError('not-found', `there is no item #${id} in the archive`);
    const service = new EvidenceService({ store, config: config.evidence });
    const perCountry = await service.forItem(item);
    if (opts.json) {
      printJson(perCountry.flatMap((c) => c.evidence));
      return;
    }
    out(`#${item.id} ${item.title}`);
    if (!evidenceCountries(item).length) {
      out('  no evidence: the item is not tagged shutdowns or censorship with a country');
      return;
    }
    for (const story of storyEvidence(perCountry)) out(`  ${story.country}: ${evidencePlainLine(story)}`);
    print(
      perCountry.flatMap((c) => c.evidence),
      false,
    );
  } finally {
    await store.close();
  }
}

function print(evidence: Evidence[], json: boolean | undefined): void {
  if (json) {
    printJson(
      evidence.map((e) => ({
        source: e.source,
        country: e.country,
        from: e.from,
        until: e.until,
        kind: e.kind,
        summary: e.summary,
        figures: e.figures,
        url: e.url,
      })),
    );
    return;
  }
  for (const e of evidence) {
    out(`${e.source.padEnd(5)} ${e.kind.padEnd(24)} ${e.summary}`);
    out(`      ${e.url}`);
  }
}
