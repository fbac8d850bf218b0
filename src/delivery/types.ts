// What the outbox worker needs from a chat platform. Implemented under src/platforms/*.
import type { Digest } from '../digest/types.ts';
import type { StoryEvidence } from '../evidence/types.ts';
import type { StoredItem, Target } from '../model.ts';

/** The content of one outbox entry; stored as JSON in the outbox. */
export type OutboundMessage =
  | { kind: 'digest'; digest: Digest }
  | { kind: 'alert'; item: StoredItem; subscriptionId: number; evidence?: StoryEvidence[] }
  | { kind: 'text'; text: string };

export interface SendOptions {
  /**
   * Stable per outbox entry: platforms that support idempotency keys (Discord's nonce with
   * enforce_nonce) use it so a retried send after a crash is not posted twice.
   */
  idempotencyKey: string;
  /**
   * Which attempt this is (1 = first). Above 1 an earlier attempt may already have posted
   * (crash or timeout between send and record): platforms without idempotency keys (Slack)
   * then look for what was posted before sending again. Optional; absent means 1.
   */
  attempt?: number;
  /** Aborts when the process is stopping: a sender that can cancel its request does so. */
  signal?: AbortSignal;
}

export class SendError extends Error {
  constructor(
    message: string,
    /** Worth retrying (platform down, 5xx, 429) or not (channel gone, no permission). */
    readonly retryable: boolean,
    /** Milliseconds the platform asked us to wait, if it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface ChatSender {
  readonly platform: Target['platform'];
  /**
   * Deliver one message (split across several platform messages when it exceeds the
   * platform's limits, never dropping items). Returns the platform message ids.
   * Throws SendError.
   */
  send(target: Target, message: OutboundMessage, opts: SendOptions): Promise<string[]>;
}
