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
import type Database from 'better-sqlite3';

/** Pages one step writes. */
export const MERGE_PAGES = 100;
/** Pause between steps (ms). */
export const MERGE_PAUSE_MS = 10;

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
  close(): void;
}

export function sqliteIndexMerger(
  db: Database.Database,
  opts: { pages?: number; pauseMs?: number; afterStep?: () => void; onError?: (err: unknown) => void } = {},
): IndexMerger {
  const pages = opts.pages ?? MERGE_PAGES;
  const pauseMs = opts.pauseMs ?? MERGE_PAUSE_MS;
  const mergeStepOn = stepper(db);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const step = (): void => {
    timer = null;
    if (closed || !db.open) return;
    let more = false;
    try {
      more = mergeStepOn(pages);
      opts.afterStep?.();
    } catch (err) {
      // SQLITE_BUSY (another writer) or a read-only file: the next write starts a new round.
      opts.onError?.(err);
      return;
    }
    if (more) schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(step, pauseMs);
    // A CLI run that is done exits without waiting: the next run resumes the merge.
    timer.unref();
  };
  return {
    nudge() {
      if (closed || timer) return;
      schedule();
    },
    runToEnd(maxSteps = Infinity) {
      let steps = 0;
      while (steps < maxSteps && mergeStepOn(pages)) {
        steps += 1;
        opts.afterStep?.();
      }
      return steps;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
