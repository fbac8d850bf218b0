// Crash test: a delivery process posting one digest to 50 channels is SIGKILLed part-way
// and started again; every channel ends up with the digest exactly once. The outbox row
// (claimed before, completed after the send) and Discord's nonce with enforce_nonce make
// this hold even for a send that reached Discord but was never recorded.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import { renderOutbound } from '../../src/platforms/discord/sender.ts';
import { openStore } from '../../src/store/index.ts';
import { sampleItem } from '../platforms/discord/helpers.ts';
import { digestOf } from '../support/digests.ts';
import type { DiscordStandin } from '../support/discord-standin/index.ts';
import { startDiscordStandin } from '../support/discord-standin/index.ts';

const CHANNELS = 50;
const GUILD = '200000000000000001';
const CHILD = fileURLToPath(new URL('./fixtures/discord-delivery-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function startChild(env: Record<string, string>): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { proc, exited };
}

describe('delivery survives SIGKILL mid-way', () => {
  let standin: DiscordStandin | null = null;
  let dir: string;
  const channelIds = Array.from({ length: CHANNELS }, (_, k) => String(310000000000000000n + BigInt(k)));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
  });
  afterAll(async () => {
    await standin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    { guard: 'history check and nonce', readHistory: true },
    { guard: 'nonce alone (no Read Message History)', readHistory: false },
  ])('every channel gets the digest exactly once: $guard', { timeout: 60_000 }, async ({ readHistory }) => {
    await standin?.close();
    standin = await startDiscordStandin({
      guilds: [{ id: GUILD, name: 'g', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
      // Slow answers keep sends in flight, so the kill lands between a send and its record.
      latencyMs: 15,
      readHistory,
    });
    const s = standin;
    const db = join(dir, `archive-${String(readHistory)}.sqlite`);
    const store = await openStore({ dbPath: db, databaseUrl: undefined });
    // A digest long enough to need several messages: parts must not repeat or go missing either.
    const items = Array.from({ length: 40 }, (_, k) =>
      sampleItem(k + 1, { title: `Headline ${k + 1} ${'on internet governance and standards '.repeat(4)}` }),
    );
    const digest = digestOf(items);
    const partsPerDigest = renderOutbound({ kind: 'digest', digest }).length;
    expect(partsPerDigest).toBeGreaterThan(1);
    const targets: Target[] = channelIds.map((id) => ({
      platform: 'discord',
      channelId: id,
      workspaceId: GUILD,
      kind: 'channel',
    }));
    await store.enqueue(
      targets.map((t) => ({
        key: `digest:${t.channelId}:2026-11-25T08:00`,
        target: t,
        kind: 'digest',
        payload: { kind: 'digest', digest },
      })),
    );
    await store.close();

    const env = { GW_DB: db, GW_TOKEN: s.token, GW_API_URL: s.apiUrl, GW_LEASE_MS: '1000' };
    const first = startChild({ ...env, GW_OWNER: 'first' });
    const posted = () => [...s.messages.values()].reduce((n, l) => n + l.length, 0);
    const deadline = Date.now() + 30_000;
    while (posted() < (CHANNELS * partsPerDigest) / 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    first.proc.kill('SIGKILL');
    await first.exited;
    const atKill = posted();
    // Let requests the dead process left in flight reach the stand-in.
    await new Promise((r) => setTimeout(r, 100));
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(CHANNELS * partsPerDigest);

    const second = startChild({ ...env, GW_OWNER: 'second' });
    expect(await second.exited).toBe(0);

    for (const id of channelIds) {
      const list = s.messages.get(id) ?? [];
      expect(list.length, `channel ${id}`).toBe(partsPerDigest);
      expect(new Set(list.map((m) => m.nonce)).size).toBe(partsPerDigest);
    }
    const check = await openStore({ dbPath: db, databaseUrl: undefined });
    const sent = await check.listOutbox({ status: 'sent' });
    await check.close();
    expect(sent).toHaveLength(CHANNELS);
    for (const e of sent) expect(e.sentRefs).toHaveLength(partsPerDigest);
    if (!readHistory) expect(s.nonceReplays).toBeGreaterThan(0);
    console.log(
      `crash test (${readHistory ? 'history + nonce' : 'nonce only'}): ${atKill} of ${CHANNELS * partsPerDigest} messages posted at SIGKILL; ` +
        `${s.nonceReplays} re-sends answered from the nonce instead of posting twice`,
    );
  });
});
