// `govwatch track add|remove|list`, `govwatch deadlines` and `govwatch trackers poll`: the
// terminal follows processes like a chat target does (its reminders and changes print
// when `govwatch start` runs in terminal mode).
import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { CONSOLE_TARGET } from '../platforms/console/index.ts';
import { openStore } from '../store/index.ts';
import { deadlineRow, upcomingDeadlines } from '../trackers/deadlines.ts';
import { describeProcess, describeReminders, reminderDaysOf, track, untrack } from '../trackers/follow.ts';
import { deadlineVerb, formatDeadline } from '../trackers/notices.ts';
import { pollTrackers } from '../trackers/poll.ts';
import { createTrackerDeps } from '../trackers/wiring.ts';
import { UserError } from '../model.ts';
import { parseDuration } from '../util/duration.ts';
import { describeTarget } from './subscriptions.ts';
import { out, printJson } from './output.ts';

export async function trackAdd(config: Config, ref: string, opts: { reminders?: string }): Promise<void> {
  const store = await openStore(config);
  try {
    const r = await track(store, config, {
      ref,
      target: CONSOLE_TARGET,
      reminderDays: reminderDaysOf(opts.reminders, config.trackers?.reminderDays ?? [7, 1]),
      createdBy: 'operator',
      now: new Date(),
    });
    out(
      `${r.newFollow ? 'tracking' : 'still tracking'} ${r.process.title} [${r.process.id}] (${r.process.state}); ${describeReminders(r.reminderDays)}`,
    );
  } finally {
    await store.close();
  }
}

export async function trackRemove(config: Config, ref: string): Promise<void> {
  const store = await openArchiveForReading(config);
  try {
    const p = await untrack(store, config, { ref, target: CONSOLE_TARGET, now: new Date() });
    out(`no longer tracking ${p.title} [${p.id}]`);
  } finally {
    await store.close();
  }
}

export async function trackList(config: Config, opts: { json?: boolean }): Promise<void> {
  const store = await openArchiveForReading(config);
  try {
    const follows = await store.trackers.listFollows();
    const processes = (await store.trackers.list()).filter((p) => follows.some((f) => f.processId === p.id));
    if (opts.json) {
      printJson(
        processes.map((p) => ({
          ...deadlineRow(p),
          lastError: p.fetch.lastError,
          lastCheckAt: p.fetch.lastCheckAt,
          followers: follows.filter((f) => f.processId === p.id).map((f) => describeTarget(f.target)),
        })),
      );
      return;
    }
    for (const p of processes) {
      const who = follows.filter((f) => f.processId === p.id).map((f) => describeTarget(f.target));
      out(`${describeProcess(p)} → ${who.join(', ')}`);
    }
    out(`${processes.length} tracked process(es)`);
  } finally {
    await store.close();
  }
}

export async function runDeadlines(config: Config, opts: { within?: string; json?: boolean }): Promise<void> {
  const withinMs = parseDuration(opts.within ?? '30d');
  const store = await openArchiveForReading(config);
  try {
    const rows = await upcomingDeadlines(store, { now: new Date(), withinMs });
    if (opts.json) {
      printJson(rows.map(deadlineRow));
      return;
    }
    for (const p of rows)
      out(`${formatDeadline(p.deadline!)}  ${p.title} ${deadlineVerb(p)}  (${p.state})  ${p.url}`);
    out(`${rows.length} deadline(s) in the next ${Math.round(withinMs / 86_400_000)} days`);
  } finally {
    await store.close();
  }
}

export async function runTrackersPoll(config: Config): Promise<void> {
  const store = await openStore(config);
  try {
    const deps = createTrackerDeps(
      config,
      store,
      createLogger('error', { format: config.logFormat ?? 'pretty' }),
    );
    if (!deps) throw new UserError('trackers-off', 'tracking is turned off (GOVWATCH_TRACKERS=off)');
    const s = await pollTrackers(deps, { force: true });
    for (const e of s.errors) out(`${e.id}: ${e.error}`);
    out(
      `checked ${s.checked} process(es): ${s.changed} changed, ${s.errors.length} error(s), ${s.notices} notice(s) and ${s.reminders} reminder(s) queued`,
    );
    if (s.errors.length) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
