// Several replicas: one holds the gateway (answers interactions), the others only send; when
// the holder goes away its lease expires and another replica takes the gateway over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDef } from '../../../src/chat/types.ts';
import type { Config } from '../../../src/config.ts';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import type { DiscordFrontEnd } from '../../../src/platforms/discord/index.ts';
import { startDiscord } from '../../../src/platforms/discord/index.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/types.ts';
import type { DiscordStandin } from '../../support/discord-standin/index.ts';
import { startDiscordStandin } from '../../support/discord-standin/index.ts';

const whoami: CommandDef = {
  name: 'whoami',
  description: 'Which replica answers',
  help: 'Says which replica answered.',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    return { ephemeral: true, blocks: [{ type: 'paragraph', text: `answered by ${ctx.config.replicaId}` }] };
  },
};

describe('Discord gateway with several replicas', () => {
  let standin: DiscordStandin;
  let dir: string;
  const stores: Store[] = [];
  const bots: DiscordFrontEnd[] = [];

  beforeAll(async () => {
    standin = await startDiscordStandin();
    dir = mkdtempSync(join(tmpdir(), 'gw-discord-replicas-'));
  });
  afterAll(async () => {
    for (const b of bots) await b.stop();
    for (const s of stores) await s.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function replica(id: string): Promise<DiscordFrontEnd> {
    const config: Config = loadConfig({
      DISCORD_TOKEN: standin.token,
      DISCORD_APP_ID: standin.appId,
      DISCORD_API_URL: standin.apiUrl,
      GOVWATCH_DB: join(dir, 'shared.sqlite'),
      GOVWATCH_TRACKERS: 'off',
      GOVWATCH_REPLICA_ID: id,
    });
    const store = await openStore(config);
    stores.push(store);
    const bot = await startDiscord({
      config,
      store,
      commands: [whoami],
      logger: silentLogger(),
      gatewayLeaseMs: 600,
    });
    bots.push(bot);
    return bot;
  }

  it('only one replica holds the gateway; another takes over when it stops', async () => {
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    expect([a.holdsGateway(), b.holdsGateway()]).toEqual([true, false]);
    expect(standin.identified).toBe(1);

    const first = await standin.waitForAnswer(await standin.command('whoami'));
    expect(first.original?.content).toContain('answered by replica-a');

    // Both replicas can send (REST), whoever holds the gateway.
    const sent = await b.sender.send(
      {
        platform: 'discord',
        channelId: standin.guilds[0]!.channels[0]!.id,
        workspaceId: standin.guilds[0]!.id,
        kind: 'channel',
      },
      { kind: 'text', text: 'from b' },
      { idempotencyKey: 'from-b' },
    );
    expect(sent).toHaveLength(1);

    await a.stop();
    const deadline = Date.now() + 5_000;
    while (!b.holdsGateway() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.holdsGateway()).toBe(true);
    await standin.waitForReady();
    const second = await standin.waitForAnswer(await standin.command('whoami'));
    expect(second.original?.content).toContain('answered by replica-b');
  });
});
