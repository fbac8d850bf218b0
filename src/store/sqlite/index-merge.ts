// Merging the search index's segments, in bounded steps after writes.
//
// FTS5 writes each transaction's rows as a new segment and merges segments four at a time
// (automerge), so a large archive keeps many: the 1M-item bench archive had 17. A search
// opens every segment for every term (a b-tree descent and the doclist's last pages each),
// which in a freshly started process are pages touched for the first time: 70 pages for
// one common word with 17 segments, 25 with 3 (measured with reads counted, mmap off).
// After items are stored, this runs FTS5's 'merge' command in steps of MERGE_PAGES pages
// (~10 ms each on the development VM) with a pause between them, so the event loop keeps
// answering; with usermerge = 2 (migration 170) it stops when each level holds one segment.
// Steps run on the writer's connection; a busy archive (another process writing) ends the
// round, and the next write starts a new one. Nothing is lost by stopping early: FTS5 keeps
// a merge's progress in the index and resumes it.
//
// A round waits until writes pause (MERGE_IDLE_MS): during a poll pass each feed's commit
// would otherwise be followed by merge steps whose cost grows with the archive (at 1M items
// they were ~15% of the time a new item took to store and cluster). Merges owed for longer
// than MERGE_MAX_DEFER_MS run anyway, between the writes, and closing the store runs up to
// CLOSE_STEPS of them, so a CLI poll that exits right away still leaves the index merged.
import type Database from 'better-sqlite3';

/** Pages one step writes. */
export const MERGE_PAGES = 100;
/** Pause between steps (ms). */
export const MERGE_PAUSE_MS = 10;
/** Quiet time after the last write before a round starts (ms). */
export const MERGE_IDLE_MS = 1_000;
/** Merges owed this long run even while writes continue (ms). */
export const MERGE_MAX_DEFER_MS = 30_000;
/** Steps run when the store closes with merges owed (~1 s at most). */
export const CLOSE_STEPS = 100;

/** Merge steps on one connection (statements prepared once). */
function stepper(db: Database.Database): (pages: number) => boolean {
  const changes = db.prepare('SELECT total_changes()').pluck();
  const merge = db.prepare("INSERT INTO item_fts (item_fts, rank) VALUES ('merge', ?)");
  return (pages) => {
    const before = changes.get() as number;
    merge.run(pages);
    // FTS5: a step that found nothing to merge changes fewer than 2 rows.
    return (changes.get() as number) - before >= 2;
  };
}

/** One bounded merge step; true when it did work (more may remain). */
export function mergeStep(db: Database.Database, pages = MERGE_PAGES): boolean {
  return stepper(db)(pages);
}

export interface IndexMerger {
  /** Rows were written: merge soon (one round at a time). */
  nudge(): void;
  /** Run steps now until nothing is left to merge; returns the number of steps. */
  runToEnd(maxSteps?: number): number;
  /** Stop; with merges owed, first run up to CLOSE_STEPS of them. */
  close(): void;
}

export function sqliteIndexMerger(
  db: Database.Database,
  opts: {
    pages?: number;
    pauseMs?: number;
    idleMs?: number;
    maxDeferMs?: number;
    now?: () => number;
    afterStep?: () => void;
    onError?: (err: unknown) => void;
  } = {},
): IndexMerger {
  const pages = opts.pages ?? MERGE_PAGES;
  const pauseMs = opts.pauseMs ?? MERGE_PAUSE_MS;
  const idleMs = opts.idleMs ?? MERGE_IDLE_MS;
  const maxDeferMs = opts.maxDeferMs ?? MERGE_MAX_DEFER_MS;
  const now = opts.now ?? Date.now;
  const mergeStepOn = stepper(db);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let lastWrite = 0;
  /** When the oldest write not yet merged came; null when nothing is owed. */
  let owedSince: number | null = null;
  const step = (): void => {
    timer = null;
    if (closed || !db.open) return;
    const t = now();
    const quietFor = t - lastWrite;
    if (quietFor < idleMs && t - (owedSince ?? t) < maxDeferMs) {
      schedule(idleMs - quietFor);
      return;
    }
    let more = false;
    try {
      more = mergeStepOn(pages);
      opts.afterStep?.();
    } catch (err) {
      // SQLITE_BUSY (another writer) or a read-only file: the next write starts a new round.
      opts.onError?.(err);
      return;
    }
    if (more) schedule(pauseMs);
    else owedSince = null;
  };
  const runToEnd = (maxSteps = Infinity): number => {
    let steps = 0;
    while (steps < maxSteps && mergeStepOn(pages)) {
      steps += 1;
      opts.afterStep?.();
    }
    return steps;
  };
  const schedule = (ms: number): void => {
    timer = setTimeout(step, ms);
    // A CLI run that is done exits without waiting: closing runs some, the next run the rest.
    timer.unref();
  };
  return {
    nudge() {
      if (closed) return;
      lastWrite = now();
      owedSince ??= lastWrite;
      if (!timer) schedule(idleMs);
    },
    runToEnd,
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (owedSince === null || !db.open) return;
      try {
        runToEnd(CLOSE_STEPS);
      } catch (err) {
        opts.onError?.(err);
      }
    },
  };
}
