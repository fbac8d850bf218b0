// Slash commands and button clicks: parse, acknowledge within Slack's 3 seconds, check rights,
// run the platform-neutral command, answer through response_url.
import type { App, RespondArguments, RespondFn } from '@slack/bolt';
import type { CommandContext, CommandDef, OptionValues, Reply } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { UserError } from '../../model.ts';
import type { Target } from '../../model.ts';
import type { Store } from '../../store/types.ts';
import {
  commandNameFromSlash,
  MANIFEST_COMMANDS,
  slackifyCommandMentions,
  slashFor,
  SLACK_PREFIX,
} from './names.ts';
import { isHelpRequest, parseCommandText, usage } from './parse.ts';
import { ACTION_ID_PREFIX, decodeAction, renderNotice, renderReply } from './render.ts';
import type { SlackMessage } from './render.ts';
import { renderImageFallback, shareImage, uploadProblem } from './files.ts';
import { bold, inert } from './mrkdwn.ts';

export interface HandlerDeps {
  config: Config;
  store: Store;
  commands: CommandDef[];
  logger: Logger;
  /** User ids allowed admin commands regardless of workspace role (GOVWATCH_SLACK_ADMINS). */
  admins: Set<string>;
  adminCacheMs: number;
}

type WebClient = App['client'];

interface CallerInfo {
  isAdmin: boolean;
  name: string;
  at: number;
}

function ephemeral(m: SlackMessage): RespondArguments {
  return { response_type: 'ephemeral', text: m.text, blocks: m.blocks as never };
}

function helpLines(def: CommandDef, names: ReadonlySet<string>): string[] {
  const help = def.help.split('\n').map((l) => slackifyCommandMentions(l, names));
  return [`${slashFor(def.name)}: ${def.description}`, ...help, '', 'Usage:', ...usage(def)];
}

function overviewLines(commands: CommandDef[]): string[] {
  return [
    'govwatch commands (add `help` after any of them for details):',
    ...commands.map((c) => `${slashFor(c.name)} — ${c.description}`),
  ];
}

function whereFrom(channelId: string | undefined, userId: string, teamId: string): Target {
  // Commands run in a direct message (D…) act for the caller; anything else is a channel.
  if (!channelId || channelId.startsWith('D')) {
    return { platform: 'slack', channelId: userId, workspaceId: teamId, kind: 'user' };
  }
  return { platform: 'slack', channelId, workspaceId: teamId, kind: 'channel' };
}

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const byName = new Map(deps.commands.map((c) => [c.name.toLowerCase(), c]));
  const names: ReadonlySet<string> = new Set([...MANIFEST_COMMANDS, ...byName.keys()]);
  const callers = new Map<string, CallerInfo>();

  async function resolveCaller(client: WebClient, userId: string, fallbackName: string) {
    const cached = callers.get(userId);
    if (cached && Date.now() - cached.at < deps.adminCacheMs) {
      return { id: userId, name: cached.name, isAdmin: cached.isAdmin };
    }
    let isAdmin = deps.admins.has(userId);
    let name = fallbackName;
    try {
      const res = await client.users.info({ user: userId });
      const u = res.user;
      isAdmin = isAdmin || Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
      name = u?.name ?? name;
      callers.set(userId, { isAdmin, name, at: Date.now() });
      if (callers.size > 5000) callers.delete(callers.keys().next().value as string);
    } catch (err) {
      // Without users.info only the allow-list grants admin rights; nothing is cached.
      deps.logger.warn({ err, user_id: userId }, 'users.info failed; using the admin allow-list only');
    }
    return { id: userId, name, isAdmin };
  }

  async function execute(args: {
    def: CommandDef;
    subcommand: string | null;
    options: OptionValues;
    client: WebClient;
    userId: string;
    userName: string;
    where: Target;
  }): Promise<Reply> {
    const { def, subcommand } = args;
    const caller = await resolveCaller(args.client, args.userId, args.userName);
    const sub = subcommand ? def.subcommands?.find((s) => s.name === subcommand) : undefined;
    const permission = sub?.permission ?? def.permission;
    const label = `${slashFor(def.name)}${subcommand ? ` ${subcommand}` : ''}`;
    if (permission === 'admin' && !caller.isAdmin) {
      throw new UserError(
        'forbidden',
        `${label} is for workspace admins and owners (or users in the bot's admin allow-list).`,
      );
    }
    const ctx: CommandContext = {
      store: deps.store,
      config: deps.config,
      logger: deps.logger.child({ command: def.name, user_id: caller.id }),
      caller,
      where: args.where,
      subcommand,
      options: args.options,
      now: new Date(),
    };
    return def.run(ctx);
  }

  function failureMessage(err: unknown, def: CommandDef | undefined): SlackMessage {
    if (err instanceof UserError) {
      const lines = [`⚠️ ${slackifyCommandMentions(err.message, names)}`];
      // Commands spell the code bad-option; the parser bad_option.
      if (/^bad[-_]option$/.test(err.code) && def) lines.push('', ...helpLines(def, names));
      return renderNotice(lines);
    }
    deps.logger.error({ err, command: def?.name }, 'slack command failed');
    return renderNotice(['⚠️ Something went wrong running that command; it has been logged.']);
  }

  async function sendReply(
    respond: RespondFn,
    reply: Reply,
    mode: { share: boolean; replaceOriginal: boolean },
    place: { client: WebClient; channelId: string | undefined },
  ): Promise<void> {
    const isPublic = mode.share || !reply.ephemeral;
    if (reply.image) {
      // A picture is a file shared into the channel (response_url cannot carry files); its
      // text blocks become the file's message. Where Slack refuses it, the text fallback.
      const image = reply.image;
      const caption = reply.blocks.map((b) => ('text' in b ? inert(b.text) : '')).filter(Boolean);
      const shared =
        isPublic && place.channelId
          ? await shareImage(
              place.client,
              place.channelId,
              image,
              [bold(image.title), ...caption].join('\n'),
              deps.logger,
            )
          : ({ ok: false, error: 'not shared privately' } as const);
      if (shared.ok) return;
      const m = renderImageFallback(image, uploadProblem(shared.error));
      await respond({
        response_type: isPublic ? 'in_channel' : 'ephemeral',
        replace_original: mode.replaceOriginal,
        text: m.text,
        blocks: m.blocks as never,
      });
      return;
    }
    const messages = renderReply(reply, { public: mode.share, commandNames: names });
    for (const [i, m] of messages.entries()) {
      await respond({
        response_type: isPublic ? 'in_channel' : 'ephemeral',
        replace_original: i === 0 && mode.replaceOriginal,
        text: m.text,
        blocks: m.blocks as never,
      });
    }
  }

  app.command(/.*/, async ({ command, ack, respond, client }) => {
    const started = Date.now();
    let name = commandNameFromSlash(command.command);
    let text = command.text ?? '';
    if (name === null) {
      // The umbrella `/govwatch <command> …`.
      const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
      if (!m || isHelpRequest(m[1] as string)) {
        await ack(ephemeral(renderNotice(overviewLines(deps.commands))));
        return;
      }
      name = (m[1] as string).toLowerCase();
      text = m[2] as string;
    }
    const def = byName.get(name);
    if (!def) {
      await ack(
        ephemeral(
          renderNotice([
            `⚠️ /${SLACK_PREFIX} has no command "${name}".`,
            '',
            ...overviewLines(deps.commands),
          ]),
        ),
      );
      return;
    }
    if (isHelpRequest(text)) {
      await ack(ephemeral(renderNotice(helpLines(def, names))));
      return;
    }
    let parsed;
    try {
      parsed = parseCommandText(def, text);
    } catch (err) {
      // Bad options are answered in the acknowledgement itself: no second request needed.
      await ack(ephemeral(failureMessage(err, def)));
      return;
    }
    await ack();
    deps.logger.debug({ command: def.name, ack_ms: Date.now() - started }, 'slack command acknowledged');
    try {
      const reply = await execute({
        def,
        subcommand: parsed.subcommand,
        options: parsed.options,
        client,
        userId: command.user_id,
        userName: command.user_name,
        where: whereFrom(command.channel_id, command.user_id, command.team_id),
      });
      await sendReply(
        respond,
        reply,
        { share: false, replaceOriginal: false },
        { client, channelId: command.channel_id },
      );
    } catch (err) {
      await respond(ephemeral(failureMessage(err, def))).catch((e: unknown) =>
        deps.logger.error({ err: e }, 'slack respond failed'),
      );
    }
  });

  app.action(
    { type: 'block_actions', action_id: new RegExp(`^${ACTION_ID_PREFIX}`) },
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
      const payload = decodeAction(value);
      const def = payload ? byName.get(payload.c.toLowerCase()) : undefined;
      if (!payload || !def) {
        await respond(ephemeral(renderNotice(['⚠️ That button no longer works; run the command again.'])));
        return;
      }
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      try {
        const reply = await execute({
          def,
          subcommand: payload.s,
          options: payload.o,
          client,
          userId: body.user.id,
          userName: body.user.name ?? body.user.id,
          where: whereFrom(body.channel?.id, body.user.id, teamId),
        });
        const share = payload.sh === 1;
        // Paging replaces the caller's ephemeral message; sharing posts a new public one.
        await sendReply(
          respond,
          reply,
          { share, replaceOriginal: !share },
          { client, channelId: body.channel?.id },
        );
      } catch (err) {
        await respond({ ...ephemeral(failureMessage(err, def)), replace_original: false }).catch(
          (e: unknown) => deps.logger.error({ err: e }, 'slack respond failed'),
        );
      }
    },
  );
}
