// Interactions → CommandDefs: slash commands, autocomplete and our buttons. Every reply is
// sent with allowed_mentions {parse: []}; errors the user can fix come back ephemeral with
// the command's help; slow commands are deferred so Discord's 3-second window is kept.
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  InteractionReplyOptions,
  MessageEditOptions,
} from 'discord.js';
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { CommandContext, CommandDef, OptionValues, Reply } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Target } from '../../model.ts';
import { UserError } from '../../model.ts';
import type { Store } from '../../store/types.ts';
import { createSuggester } from './autocomplete.ts';
import { decodeAction, encodeAction, isOurButton } from './customid.ts';
import { cut } from './escape.ts';
import { checkOptions } from './options.ts';
import type { ButtonJson, MessageJson } from './render.ts';
import { DISCORD_LIMITS, renderDigest, renderImageMessage, renderReplyBlocks } from './render.ts';

export interface InteractionDeps {
  store: Store;
  config: Config;
  logger: Logger;
  commands: CommandDef[];
  /** Defer when a command has not answered after this long (Discord allows 3 s in all). */
  deferAfterMs?: number;
  now?: () => Date;
}

type Mode = 'reply' | 'update' | 'share';
type Answerable = ChatInputCommandInteraction | ButtonInteraction;

const NO_PINGS = { parse: [] as [] };

export function isAdminPermissions(i: Interaction): boolean {
  return (
    i.memberPermissions?.any([PermissionFlagsBits.ManageGuild, PermissionFlagsBits.ManageChannels]) ?? false
  );
}

function whereOf(i: Interaction): Target {
  return i.guildId
    ? { platform: 'discord', channelId: i.channelId ?? '', workspaceId: i.guildId, kind: 'channel' }
    : { platform: 'discord', channelId: i.user.id, workspaceId: '', kind: 'user' };
}

/** Text blocks of a Reply, its items and its action buttons as Discord messages. */
export function renderReply(reply: Reply, opts: { withActions: boolean }): MessageJson[] {
  // A picture: one message, the text blocks as the embed's caption under its title.
  const caption = reply.blocks
    .map((b) => ('text' in b ? b.text : ''))
    .filter(Boolean)
    .join('\n');
  // A digest (preview) is drawn by the same renderer as the posted digest.
  const messages = reply.image
    ? [renderImageMessage(reply.image, caption)]
    : reply.digest
      ? renderDigest(reply.digest)
      : renderReplyBlocks(reply.blocks);
  if (messages.length === 0) messages.push({ content: '(nothing to show)', allowed_mentions: { parse: [] } });
  const actions = opts.withActions ? (reply.actions ?? []) : [];
  if (actions.length) {
    const buttons: ButtonJson[] = actions.slice(0, 25).map((a) => ({
      type: 2,
      style: a.share ? 1 : 2,
      label: cut(a.label, 80),
      custom_id: encodeAction(a),
    }));
    const rows: Array<{ type: 1; components: ButtonJson[] }> = [];
    for (let k = 0; k < buttons.length; k += 5) rows.push({ type: 1, components: buttons.slice(k, k + 5) });
    messages[messages.length - 1]!.components = rows;
  }
  return messages;
}

/** A message written by govwatch itself (help, refusals): shown with its markdown, never pinging. */
interface OwnNotice {
  ephemeral: true;
  notice: string;
}

type Answer = Reply | OwnNotice;

function notice(text: string): OwnNotice {
  return { ephemeral: true, notice: cut(text, DISCORD_LIMITS.content) };
}

function problemReply(cmd: CommandDef | null, problem: string): OwnNotice {
  // A UserError message may quote what the caller typed; it goes back to the caller only,
  // and allowed_mentions keeps it from pinging anyone.
  return notice(cmd ? `⚠️ ${problem}\n\n**/${cmd.name}**: ${cmd.help}` : `⚠️ ${problem}`);
}

/** discord.js sends these as multipart/form-data: payload_json plus one part per file. */
function filesOf(m: MessageJson) {
  return m.files?.length
    ? {
        files: m.files.map((f) => ({
          attachment: Buffer.from(f.data),
          name: f.name,
          ...(f.description ? { description: f.description } : {}),
        })),
      }
    : {};
}

function toOptions(m: MessageJson, flags: number | undefined): InteractionReplyOptions {
  return {
    content: m.content ?? '',
    embeds: m.embeds ?? [],
    components: m.components ?? [],
    allowedMentions: NO_PINGS,
    ...filesOf(m),
    ...(flags ? { flags } : {}),
  } as InteractionReplyOptions;
}

function toEdit(m: MessageJson): MessageEditOptions {
  return {
    content: m.content ?? '',
    embeds: m.embeds ?? [],
    components: m.components ?? [],
    allowedMentions: NO_PINGS,
    ...filesOf(m),
  } as MessageEditOptions;
}

export function createInteractionHandler(deps: InteractionDeps): (i: Interaction) => Promise<void> {
  const byName = new Map(deps.commands.map((c) => [c.name, c]));
  const deferAfterMs = deps.deferAfterMs ?? 1_500;
  const now = deps.now ?? (() => new Date());
  const suggest = createSuggester({ store: deps.store });
  const log = deps.logger;

  async function runCommand(
    cmd: CommandDef,
    i: Answerable,
    sub: string | null,
    raw: Record<string, unknown>,
  ): Promise<Answer> {
    const checked = checkOptions(cmd, sub, raw);
    if (!checked.ok) return problemReply(cmd, checked.problem);
    const isAdmin = isAdminPermissions(i);
    if (checked.permission === 'admin' && !isAdmin) {
      const what = `/${cmd.name}${checked.subcommand ? ` ${checked.subcommand.name}` : ''}`;
      return notice(`Only server admins (Manage Server or Manage Channels permission) can use ${what}.`);
    }
    const ctx: CommandContext = {
      store: deps.store,
      config: deps.config,
      logger: log.child({ command: cmd.name, subcommand: checked.subcommand?.name ?? null }),
      caller: { id: i.user.id, name: i.user.globalName ?? i.user.username, isAdmin },
      where: whereOf(i),
      subcommand: checked.subcommand?.name ?? null,
      options: checked.options,
      now: now(),
    };
    try {
      return await cmd.run(ctx);
    } catch (err) {
      if (err instanceof UserError) return problemReply(cmd, err.message);
      log.error(
        { command: cmd.name, error: err instanceof Error ? err.stack : String(err) },
        'command failed',
      );
      return notice('Something went wrong; it has been logged.');
    }
  }

  /** Run, deferring if slow, then deliver the reply in the way `mode` asks. */
  async function answer(
    i: Answerable,
    mode: Mode,
    run: () => Promise<Answer>,
    slowPublic = false,
  ): Promise<void> {
    const placeholderEphemeral = mode !== 'share' && !slowPublic;
    let deferred: Promise<unknown> | null = null;
    const defer = () => {
      deferred =
        mode === 'update' && i.isButton()
          ? i.deferUpdate()
          : i.deferReply(placeholderEphemeral ? { flags: MessageFlags.Ephemeral } : {});
      deferred.catch((err: unknown) => log.warn({ error: String(err) }, 'defer failed'));
    };
    // A slow public answer (a chart) is deferred first, publicly: rendering on a busy host
    // can outlast Discord's 3 seconds. Others are deferred only if they turn out slow.
    if (slowPublic) defer();
    const timer = setTimeout(() => deferred ?? defer(), deferAfterMs);
    let answered: Answer;
    try {
      answered = await run();
    } finally {
      clearTimeout(timer);
    }
    const reply = answered;
    const wasDeferred = deferred !== null;
    if (deferred) await (deferred as Promise<unknown>).catch(() => undefined);

    const isNotice = 'notice' in reply;
    const ephemeral = mode === 'share' && !isNotice ? false : reply.ephemeral;
    const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
    const messages: MessageJson[] = isNotice
      ? [{ content: reply.notice, allowed_mentions: { parse: [] } }]
      : renderReply(reply, { withActions: mode !== 'share' });
    const [first, ...rest] = messages as [MessageJson, ...MessageJson[]];
    const followAll = async (list: MessageJson[]) => {
      for (const m of list) await i.followUp(toOptions(m, flags));
    };

    if (mode === 'update' && i.isButton()) {
      if (isNotice || ephemeral !== i.message.flags.has(MessageFlags.Ephemeral)) {
        // An error (or a public answer) to a click on a private page: answer beside it.
        if (wasDeferred) await followAll(messages);
        else {
          await i.reply(toOptions(first, flags));
          await followAll(rest);
        }
        return;
      }
      if (wasDeferred) await i.editReply(toEdit(first));
      else await i.update(toEdit(first) as never);
      await followAll(rest);
      return;
    }
    if (!wasDeferred) {
      await i.reply(toOptions(first, flags));
      await followAll(rest);
      return;
    }
    // Deferred: the placeholder is ephemeral unless sharing or a public answer is expected.
    if (placeholderEphemeral === ephemeral) {
      await i.editReply(toEdit(first));
      await followAll(rest);
    } else {
      await followAll(messages);
      await i.deleteReply().catch(() => undefined);
    }
  }

  async function onChatInput(i: ChatInputCommandInteraction): Promise<void> {
    const cmd = byName.get(i.commandName);
    if (!cmd) {
      await i.reply({ content: `Unknown command /${i.commandName}.`, flags: MessageFlags.Ephemeral });
      return;
    }
    const sub = i.options.getSubcommand(false);
    const leaf = sub ? (i.options.data[0]?.options ?? []) : i.options.data;
    const raw: Record<string, unknown> = {};
    for (const o of leaf) raw[o.name] = o.value;
    await answer(i, 'reply', () => runCommand(cmd, i, sub, raw), cmd.slowPublicAnswer === true);
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    const action = decodeAction(i.customId);
    const cmd = action ? byName.get(action.command) : undefined;
    if (!action || !cmd) {
      await i.reply({
        content: 'This button has expired; run the command again.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_PINGS,
      });
      return;
    }
    const options: OptionValues = action.options;
    await answer(i, action.share ? 'share' : 'update', () => runCommand(cmd, i, action.subcommand, options));
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const cmd = byName.get(i.commandName);
    const focused = i.options.getFocused(true);
    const sub = i.options.getSubcommand(false);
    const defs = sub ? (cmd?.subcommands?.find((s) => s.name === sub)?.options ?? []) : (cmd?.options ?? []);
    const def = defs.find((d) => d.name === focused.name);
    const choices = await suggest(def?.autocomplete, String(focused.value ?? '')).catch((err: unknown) => {
      log.warn({ error: String(err) }, 'autocomplete failed');
      return [];
    });
    await i.respond(choices);
  }

  return async function onInteraction(i: Interaction): Promise<void> {
    try {
      if (i.isChatInputCommand()) await onChatInput(i);
      else if (i.isAutocomplete()) await onAutocomplete(i);
      else if (i.isButton() && isOurButton(i.customId)) await onButton(i);
    } catch (err) {
      log.error(
        { interaction_id: i.id, error: err instanceof Error ? err.stack : String(err) },
        'interaction failed',
      );
    }
  };
}
