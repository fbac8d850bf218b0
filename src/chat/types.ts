// The platform-neutral chat contract: commands/ implement CommandDef, src/platforms/*
// adapt it to Discord and Slack. Nothing here knows a chat SDK.
import type { Config } from '../config.ts';
import type { Digest } from '../digest/types.ts';
import type { Logger } from '../log.ts';
import type { Target } from '../model.ts';
import type { Store } from '../store/types.ts';

export type OptionType = 'string' | 'integer' | 'boolean';

export interface CommandOption {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  /** Fixed choices (e.g. digest mode). */
  choices?: Array<{ name: string; value: string }>;
  /** Offer suggestions while typing (Discord autocomplete; Slack shows them in help). */
  autocomplete?: 'theme' | 'region' | 'source';
  minValue?: number;
  maxValue?: number;
}

export interface Subcommand {
  name: string;
  description: string;
  options: CommandOption[];
  /** Subcommand-level permission overrides the command's. */
  permission?: Permission;
}

/** `admin`: Discord Manage Server/Manage Channels, Slack workspace admin or the allow-list. */
export type Permission = 'anyone' | 'admin';

export interface Caller {
  id: string;
  name: string;
  isAdmin: boolean;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

export interface CommandContext {
  store: Store;
  config: Config;
  logger: Logger;
  caller: Caller;
  /** Where the command was run: a channel, or the caller's direct messages. */
  where: Target;
  subcommand: string | null;
  options: OptionValues;
  now: Date;
}

/** Platform-neutral reply content. Untrusted feed text stays in `text` fields; renderers escape it. */
export type ReplyBlock =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | {
      type: 'item';
      itemId: number;
      title: string;
      url: string | null;
      source: string;
      published: string;
      themes: string[];
      regions: string[];
      /** Snippet segments; `hit` segments are highlighted. */
      snippet: Array<{ text: string; hit: boolean }>;
      alsoReportedBy?: string[];
    }
  | { type: 'list'; items: string[] }
  | { type: 'context'; text: string };

/** A button that runs the command again with other options (paging, share). */
export interface ReplyAction {
  label: string;
  command: string;
  subcommand: string | null;
  options: OptionValues;
  /** Share: re-post the same reply publicly in the channel. */
  share?: boolean;
}

/**
 * A picture sent with a reply (a trend chart). Discord attaches it and shows it in an embed;
 * Slack uploads it into the channel, or shows `fallback` (monospace) where it cannot.
 */
export interface ReplyImage {
  /** File name in the message, e.g. `trends.png`. */
  filename: string;
  png: Uint8Array;
  title: string;
  /** Describes the picture for screen readers. */
  altText: string;
  /** The same content as text: shown where the platform cannot take the file. */
  fallback: string;
}

export interface Reply {
  /** Visible to the caller only. */
  ephemeral: boolean;
  blocks: ReplyBlock[];
  /**
   * A digest to show exactly as a posted digest looks: platforms render it with the renderer
   * their outbox sender uses (`/digest preview`), and `blocks` only where they have none.
   */
  digest?: Digest;
  actions?: ReplyAction[];
  /** Posted with the reply, after `blocks`' first message (see ReplyImage). */
  image?: ReplyImage;
}

export interface CommandDef {
  name: string;
  description: string;
  /** Longer help text shown by `help` and on a bad option. */
  help: string;
  options: CommandOption[];
  subcommands?: Subcommand[];
  permission: Permission;
  /**
   * Answers are normally public and may take seconds (a rendered chart): platforms that
   * acknowledge first (Discord's deferred reply) show the "thinking" placeholder publicly.
   */
  slowPublicAnswer?: boolean;
  run(ctx: CommandContext): Promise<Reply>;
}
