// Buttons carry the command to re-run in their custom_id (at most 100 characters): the
// action is encoded in the id itself so a click works after a restart. An action too long
// to encode is kept in memory under a short id (it then expires with the process).
import { randomBytes } from 'node:crypto';
import type { OptionValues, ReplyAction } from '../../chat/types.ts';

const PREFIX = 'gw1:';
const MEMO_PREFIX = 'gw1#';
const MAX = 100;
const MEMO_LIMIT = 10_000;

type Packed = [command: string, subcommand: string | null, options: OptionValues, share: 0 | 1];

const memo = new Map<string, Packed>();

export function encodeAction(action: ReplyAction): string {
  const options: OptionValues = {};
  for (const [k, v] of Object.entries(action.options)) if (v !== undefined) options[k] = v;
  const packed: Packed = [action.command, action.subcommand, options, action.share ? 1 : 0];
  const id = PREFIX + Buffer.from(JSON.stringify(packed)).toString('base64url');
  if (id.length <= MAX) return id;
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  const key = MEMO_PREFIX + randomBytes(12).toString('base64url');
  memo.set(key, packed);
  return key;
}

export type DecodedAction = {
  command: string;
  subcommand: string | null;
  options: OptionValues;
  share: boolean;
};

/** null: not ours, or expired; the caller explains. */
export function decodeAction(customId: string): DecodedAction | null {
  let packed: Packed | undefined;
  if (customId.startsWith(MEMO_PREFIX)) packed = memo.get(customId);
  else if (customId.startsWith(PREFIX)) {
    try {
      packed = JSON.parse(Buffer.from(customId.slice(PREFIX.length), 'base64url').toString('utf8')) as Packed;
    } catch {
      return null;
    }
  }
  if (
    !Array.isArray(packed) ||
    typeof packed[0] !== 'string' ||
    typeof packed[2] !== 'object' ||
    !packed[2]
  ) {
    return null;
  }
  return { command: packed[0], subcommand: packed[1] ?? null, options: packed[2], share: packed[3] === 1 };
}

export function isOurButton(customId: string): boolean {
  return customId.startsWith(PREFIX) || customId.startsWith(MEMO_PREFIX);
}
