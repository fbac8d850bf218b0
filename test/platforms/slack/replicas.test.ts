// Several replicas in Socket Mode: each holds its own connection (Slack allows up to 10 per
// app) and Slack hands every envelope to one of them, so each command is answered exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/types.ts';
import { startSlack } from '../../../src/platforms/slack/index.ts';
import type { SlackHandle } from '../../../src/platforms/slack/index.ts';
import type { SlackStandin } from '../../support/slack-standin/index.ts';
import { echoCommand, GENERAL, MEMBER, slackConfig, standinWorkspace } from './helpers.ts';

let standin: SlackStandin;
let store: Store;
const replicas: SlackHandle[] = [];

beforeAll(async () => {
  standin = await standinWorkspace();
  const config = slackConfig(standin, 'socket');
  store = await openStore(config);
  for (let i = 0; i < 3; i++) {
    replicas.push(await startSlack({ config, store, commands: [echoCommand], logger: silentLogger() }));
  }
});
afterAll(async () => {
  for (const r of replicas) await r.stop();
  await standin?.stop();
  await store?.close();
});

describe('Slack with several replicas (Socket Mode)', () => {
  it('answers every command exactly once while envelopes are spread over all connections', async () => {
    expect(standin.connectedSockets).toBe(3);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const { responseUrlId } = await standin.slashCommand({
        command: '/govwatch-search',
        text: `q${i}`,
        userId: MEMBER,
        channelId: GENERAL,
      });
      ids.push(responseUrlId);
    }
    for (const id of ids) await standin.waitForResponses(id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const id of ids) expect(standin.responsesFor(id)).toHaveLength(1);
    expect(standin.envelopes.every((e) => e.ackedAfterMs !== null)).toBe(true);
    expect(new Set(standin.envelopes.map((e) => e.connection)).size).toBe(3);
  });
});
