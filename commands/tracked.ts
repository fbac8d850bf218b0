import type { CommandDef, ReplyBlock } from '../src/chat/types.ts';
import type { Target } from '../src/model.ts';
import type { Store } from '../src/store/types.ts';
import { describeProcess } from '../src/trackers/follow.ts';
import { personalTarget } from './lib/targets.ts';

async function linesFor(store: Store, target: Target): Promise<string[]> {
  const out: string[] = [];
  for (const f of await store.trackers.listFollows({ target })) {
    const p = await store.trackers.get(f.processId);
    if (p) out.push(`${describeProcess(p)} — ${p.url}`);
  }
  return out;
}

export const trackedCommand: CommandDef = {
  name: 'tracked',
  description: 'What this channel and you track, with state and next deadline',
  help: 'Lists the processes followed here and by you, with their state, next deadline and any tracker error.',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const blocks: ReplyBlock[] = [];
    if (ctx.where.kind === 'channel') {
      const here = await linesFor(ctx.store, ctx.where);
      blocks.push({ type: 'heading', text: 'This channel tracks' });
      blocks.push(
        here.length
          ? { type: 'list', items: here }
          : { type: 'paragraph', text: 'Nothing. An admin can add a process with /track.' },
      );
    }
    const mine = await linesFor(ctx.store, personalTarget(ctx));
    blocks.push({ type: 'heading', text: 'You track' });
    blocks.push(
      mine.length
        ? { type: 'list', items: mine }
        : { type: 'paragraph', text: 'Nothing. Try /track cybercrime scope:me.' },
    );
    return { ephemeral: true, blocks };
  },
};
