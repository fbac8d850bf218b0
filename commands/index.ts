import type { CommandDef } from '../src/chat/types.ts';
import { country } from './country.ts';
import { evidence } from './evidence.ts';
import { deadlinesCommand } from './deadlines.ts';
import { digest } from './digest.ts';
import { feeds } from './feeds.ts';
import { search } from './search.ts';
import { subscribe } from './subscribe.ts';
import { subscriptions } from './subscriptions.ts';
import { themes } from './themes.ts';
import { trackCommand } from './track.ts';
import { trackedCommand } from './tracked.ts';
import { trends } from './trends.ts';
import { unsubscribe } from './unsubscribe.ts';
import { untrackCommand } from './untrack.ts';
import { why } from './why.ts';

/** Every chat command, in the order help lists them. */
export const allCommands: CommandDef[] = [
  search,
  subscribe,
  unsubscribe,
  subscriptions,
  digest,
  feeds,
  themes,
  trackCommand,
  untrackCommand,
  trackedCommand,
  deadlinesCommand,
  why,
  evidence,
  country,
  trends,
];
