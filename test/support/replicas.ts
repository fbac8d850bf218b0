// Shared pieces of the multi-replica test and the poll benchmark: a database of their own on
// the test server, replica child processes (test/support/replica-runner.ts) and a feed
// server on several ports.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const RUNNER = fileURLToPath(new URL('./replica-runner.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A database created for one run (CREATE DATABASE govwatch_rep_<random>), dropped by drop(). */
export interface ScratchDatabase {
  url: string;
  /** A client on it for the checks (closed by drop()). */
  client: pg.Client;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  serverUrl: string,
  prefix = 'govwatch_rep',
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    client,
    async drop() {
      await client.end().catch(() => undefined);
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

export interface Replica {
  id: string;
  proc: ChildProcess;
  /** Resolves once the replica printed `ready`. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Feeds polled and CPU used since ready, from the line it prints when stopped with SIGTERM. */
  stats(): { polled: number; cpuMs: number } | null;
}

/** Start one replica process; `env` adds to (and overrides) the test's environment. */
export function startReplica(id: string, env: Record<string, string>): Replica {
  const proc = spawn(process.execPath, ['--import', 'tsx', RUNNER], {
    cwd: ROOT,
    env: {
      GOVWATCH_LOG_LEVEL: 'warn',
      GOVWATCH_TRACKERS: 'off',
      ...process.env,
      ...env,
      GOVWATCH_REPLICA_ID: id,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  // For debugging a run: GW_REPLICA_LOG_DIR=/tmp/x keeps each replica's full log there.
  const logDir = process.env.GW_REPLICA_LOG_DIR;
  if (logDir) proc.stderr?.pipe(createWriteStream(join(logDir, `${id}.log`)));
  proc.stderr?.on('data', (d: Buffer) => {
    // Keep the tail only: a long run at warn level can still say a lot.
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`ready ${id}`)) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`replica ${id} exited before ready (code ${code}, signal ${signal}):\n${err}`)),
    );
  });
  ready.catch(() => undefined);
  const stats = (): { polled: number; cpuMs: number } | null => {
    const m = /stats \S+ polled=(\d+) cpu_ms=(\d+)/.exec(out);
    return m ? { polled: Number(m[1]), cpuMs: Number(m[2]) } : null;
  };
  return { id, proc, ready, exited, stderr: () => err, stats };
}

/** SIGTERM, then SIGKILL if it has not stopped within `graceMs`. */
export async function stopReplica(r: Replica, graceMs = 5_000): Promise<void> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  r.proc.kill('SIGTERM');
  const timer = setTimeout(() => r.proc.kill('SIGKILL'), graceMs);
  await r.exited;
  clearTimeout(timer);
}

/** Wait until `check` returns a truthy value, polling every `everyMs`; throws with `what` at the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  opts: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 50));
  }
}

export type FeedHandler = (feed: number, req: IncomingMessage, res: ServerResponse) => void;

/**
 * `feeds` feeds spread over `ports` HTTP servers on 127.0.0.1 (feed k on server k % ports, at
 * /feed/k.xml). Several ports matter: the fetcher allows 2 requests per host:port, so one
 * port would cap every replica at 2 feeds in flight.
 */
export interface MultiPortFeedServer {
  urlOf(feed: number): string;
  /** Requests seen per feed. */
  hits: number[];
  close(): Promise<void>;
}

export async function startFeedServers(
  feeds: number,
  ports: number,
  handler: FeedHandler,
): Promise<MultiPortFeedServer> {
  const hits = new Array<number>(feeds).fill(0);
  const servers: Server[] = [];
  const bases: string[] = [];
  for (let p = 0; p < ports; p++) {
    const server = createServer((req, res) => {
      const m = /^\/feed\/(\d+)\.xml$/.exec((req.url ?? '').split('?')[0]!);
      const k = m ? Number(m[1]) : -1;
      if (k < 0 || k >= feeds) {
        res.writeHead(404).end();
        return;
      }
      hits[k] = (hits[k] ?? 0) + 1;
      handler(k, req, res);
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return {
    urlOf: (k) => `${bases[k % ports]}/feed/${k}.xml`,
    hits,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface GeneratedItem {
  guid: string;
  url: string;
  title: string;
  published: Date;
}

export function rssDocument(title: string, items: GeneratedItem[]): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title><link>${esc(i.url)}</link>` +
        `<guid isPermaLink="false">${esc(i.guid)}</guid><pubDate>${i.published.toUTCString()}</pubDate>` +
        `<description>${esc(i.title)}.</description></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${esc(title)}</title>` +
    `<link>http://news.test/</link><description>generated</description>${body}</channel></rss>`
  );
}
