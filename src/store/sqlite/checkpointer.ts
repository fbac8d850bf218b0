// WAL checkpoints on a worker thread. SQLite copies the WAL back into the database file
// (and fsyncs both) in whichever connection's commit crosses wal_autocheckpoint: on the
// main thread that stall came on top of a feed's store work (a 300-feed first poll, story
// keys' moves included: event loop p99 78 → 52 ms with no checkpoint on the main thread).
// Here the main connection's automatic checkpoint is only a backstop (64 MB of WAL); after
// a write it nudges a second connection, on a worker, to run a passive checkpoint, which
// never blocks the writer. Started on the first nudge, so a read-only run starts no thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Pages of WAL after which the main connection checkpoints itself (the worker lagging). */
export const MAIN_AUTOCHECKPOINT_PAGES = 16_384;

// CommonJS, evaluated by the worker; the driver's path is resolved by the main thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or gone: the next nudge (or the main connection's backstop) checkpoints.
  }
  parentPort.postMessage('done');
});
`;

export interface Checkpointer {
  /** After a write: checkpoint soon (coalesced while one runs). */
  nudge(): void;
  close(): Promise<void>;
}

export function sqliteCheckpointer(db: Database.Database, path: string): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
  let worker: Worker | null = null;
  let running = false;
  let again = false;
  let failed = false;
  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path },
    });
    w.unref();
    w.on('message', () => {
      running = false;
      if (again) {
        again = false;
        running = true;
        w.postMessage('checkpoint');
      }
    });
    w.on('error', () => {
      // Without the worker the main connection checkpoints, as SQLite does by default.
      failed = true;
      worker = null;
      db.pragma('wal_autocheckpoint = 1000');
    });
    return w;
  };
  return {
    nudge() {
      if (failed || !db.open) return;
      if (running) {
        again = true;
        return;
      }
      worker ??= start();
      running = true;
      worker.postMessage('checkpoint');
    },
    async close() {
      const w = worker;
      worker = null;
      failed = true;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      const timer = setTimeout(() => void w.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
