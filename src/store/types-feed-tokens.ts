// Private feeds of saved searches (`/subscribe … mode:feed`): the archive keeps only a
// SHA-256 of each token, so a copy of the database does not leak working feed URLs.
import type { SubscriptionFilter, Target } from '../model.ts';

export interface FeedToken {
  id: number;
  /** Who asked for it (the channel, or the user's direct messages). */
  target: Target;
  filter: SubscriptionFilter;
  createdBy: string;
  createdAt: string;
}

export interface FeedTokenStore {
  /** Record a token by its hash (hex SHA-256); the token itself is never stored. */
  create(t: {
    tokenHash: string;
    target: Target;
    filter: SubscriptionFilter;
    createdBy: string;
  }): Promise<FeedToken>;
  findByHash(tokenHash: string): Promise<FeedToken | null>;
  /** All tokens, or a target's. */
  list(filter?: { target?: Target }): Promise<FeedToken[]>;
  /** Revoke (delete) a token; false when there is none with this id. */
  revoke(id: number): Promise<boolean>;
}
