// A local stand-in for Discord: the REST routes govwatch uses (under /api/v10) and the
// gateway WebSocket, enough for the real discord.js client to log in, receive guilds and
// interactions, and answer them. It records everything the bot sends and enforces the
// documented message limits and rate limits, so what passes here should pass on Discord.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { DiscordErrorBody } from './limits.ts';
import { validateCommand, validateMessage } from './limits.ts';
import { FixedWindow } from './ratelimit.ts';
import { boundaryOf, parseMultipart, pngDimensions } from '../multipart.ts';

export { LIMITS } from './limits.ts';

export const PERMISSIONS = {
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  EMBED_LINKS: 1n << 14n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
} as const;

export const MEMBER_PERMISSIONS =
  PERMISSIONS.VIEW_CHANNEL |
  PERMISSIONS.SEND_MESSAGES |
  PERMISSIONS.EMBED_LINKS |
  PERMISSIONS.READ_MESSAGE_HISTORY |
  PERMISSIONS.USE_APPLICATION_COMMANDS;

export interface StandinGuild {
  id: string;
  name: string;
  channels: Array<{ id: string; name: string }>;
}

export interface StandinOptions {
  token?: string;
  appId?: string;
  guilds?: StandinGuild[];
  /** Global requests per second per bot (Discord: 50). */
  globalPerSecond?: number;
  /** Create-message bucket per channel (commonly observed: 5 per 5 s). */
  messagesPerChannel?: { limit: number; windowMs: number };
  /** How long a nonce is remembered for enforce_nonce (Discord: "the past few minutes"). */
  nonceWindowMs?: number;
  /** Interactions must be answered (callback) within this (Discord: 3 s). */
  interactionDeadlineMs?: number;
  heartbeatIntervalMs?: number;
  /** Added before every REST answer, to model network latency. */
  latencyMs?: number;
  /** A random extra delay in [0, this) before a request is counted, to model jitter. */
  latencyJitterMs?: number;
  /** false: reading channel history is refused (the bot lacks Read Message History). */
  readHistory?: boolean;
  /**
   * The port the gateway URL names (default the stand-in's own): a proxy's, so a test can
   * cut the gateway as well as REST (test/support/tcp-proxy.ts).
   */
  publicPort?: number;
  /** false: channel messages with files are refused (the bot lacks Attach Files). */
  attachFiles?: boolean;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Files of a multipart request. */
  files?: Array<{ filename: string; size: number }>;
  status: number;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Array<Record<string, unknown>>;
  components: unknown[];
  allowed_mentions: unknown;
  nonce: string | null;
  flags: number;
  webhook_id?: string;
  interaction_id?: string;
  /** Files uploaded with the message (multipart files[n]), as Discord lists them, plus their bytes. */
  attachments: StoredAttachment[];
  createdAt: number;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  description?: string;
  content_type: string | null;
  size: number;
  url: string;
  width?: number;
  height?: number;
  data: Buffer;
}

/** A file part of a multipart request (`files[n]`). */
interface UploadedFile {
  index: number;
  filename: string;
  contentType: string | null;
  data: Buffer;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  dispatchedAt: number;
  /** The initial callback (type 4 reply, 5 defer, 6/7 update, 8 autocomplete result). */
  callback: { type: number; data: Record<string, unknown> | undefined; at: number } | null;
  /** The original response message after the callback and any edits. */
  original: StoredMessage | null;
  originalDeleted: boolean;
  /** Edits of the original (or, for a button, of the clicked message) after the callback. */
  edits: number;
  followups: StoredMessage[];
}

export interface InteractOptions {
  userId?: string;
  userName?: string;
  permissions?: bigint;
  guildId?: string;
  channelId?: string;
}

export type CommandOptionInput = {
  name: string;
  type: number;
  value: string | number | boolean;
  focused?: boolean;
};

export interface ForcedFailure {
  status: number;
  retryAfterMs?: number;
  global?: boolean;
}

const EPOCH = 1420070400000n;

export interface DiscordStandin {
  /** `http://127.0.0.1:port/api` — pass as discord.js `rest.api` / DISCORD_API_URL. */
  apiUrl: string;
  token: string;
  appId: string;
  guilds: StandinGuild[];
  requests: RecordedRequest[];
  /** Channel id → messages created in it (bot posts and public interaction replies). */
  messages: Map<string, StoredMessage[]>;
  interactions: Map<string, InteractionRecord>;
  commands: { global: Array<Record<string, unknown>>; guild: Map<string, Array<Record<string, unknown>>> };
  /** Times each request identity (a message nonce, else method+path) was answered 429. */
  rateLimitHits: Map<string, number>;
  /** Create-message requests answered with an earlier message because of enforce_nonce. */
  nonceReplays: number;
  identified: number;
  /** Answer the next `n` create-message requests (after letting `skip` through) with this failure. */
  failNextMessages(n: number, failure: ForcedFailure, skip?: number): void;
  /** Add a channel at runtime (it is not announced on the gateway; REST knows it). */
  addChannel(guildId: string, id: string, name: string): void;
  command(name: string, options?: CommandOptionInput[], who?: InteractOptions): Promise<InteractionRecord>;
  autocomplete(
    name: string,
    options: CommandOptionInput[],
    who?: InteractOptions,
  ): Promise<InteractionRecord>;
  button(message: StoredMessage, customId: string, who?: InteractOptions): Promise<InteractionRecord>;
  /** Resolves once the interaction has been answered (callback, plus edit/followups after a defer). */
  waitForAnswer(rec: InteractionRecord, timeoutMs?: number): Promise<InteractionRecord>;
  waitForReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A guild member object as the gateway sends it (GUILD_CREATE, INTERACTION_CREATE). */
function memberJson(user: unknown): Record<string, unknown> {
  return {
    user,
    roles: [],
    joined_at: new Date().toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    avatar: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

function snowflakes(): () => string {
  let seq = 0n;
  return () => {
    seq = (seq + 1n) & 0xfffn;
    return String(((BigInt(Date.now()) - EPOCH) << 22n) | seq);
  };
}

/**
 * A JSON body, or multipart/form-data as Discord documents for uploads: the JSON in a
 * `payload_json` part and each file in a `files[n]` part.
 */
async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: UploadedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary) {
    let body: unknown;
    const files: UploadedFile[] = [];
    for (const part of parseMultipart(raw, boundary)) {
      const n = /^files\[(\d+)\]$/.exec(part.name);
      if (part.name === 'payload_json') body = JSON.parse(part.data.toString('utf8')) as unknown;
      else if (n && part.filename !== null)
        files.push({
          index: Number(n[1]),
          filename: part.filename,
          contentType: part.contentType,
          data: part.data,
        });
      else throw new Error(`unexpected form field ${part.name}`);
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  return { body: text ? (JSON.parse(text) as unknown) : undefined, files: [] };
}

/** Discord's upload limit for bots without boosts (the interaction's attachment_size_limit). */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

export async function startDiscordStandin(opts: StandinOptions = {}): Promise<DiscordStandin> {
  const token = opts.token ?? 'standin-bot-token';
  const appId = opts.appId ?? '100000000000000001';
  const botUser = {
    id: appId,
    username: 'govwatch',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  const guilds: StandinGuild[] = opts.guilds ?? [
    {
      id: '200000000000000001',
      name: 'Test Guild',
      channels: [{ id: '300000000000000001', name: 'general' }],
    },
  ];
  const nonceWindowMs = opts.nonceWindowMs ?? 5 * 60_000;
  const deadlineMs = opts.interactionDeadlineMs ?? 3_000;
  const heartbeatMs = opts.heartbeatIntervalMs ?? 41_250;
  const globalLimit = new FixedWindow({ limit: opts.globalPerSecond ?? 50, windowMs: 1_000 });
  const msgWindow = opts.messagesPerChannel ?? { limit: 5, windowMs: 5_000 };
  const messageLimit = new FixedWindow(msgWindow);
  const nextId = snowflakes();

  const requests: RecordedRequest[] = [];
  const messages = new Map<string, StoredMessage[]>();
  const channelIndex = new Map<string, { guildId: string; name: string }>();
  for (const g of guilds) for (const c of g.channels) channelIndex.set(c.id, { guildId: g.id, name: c.name });
  const nonces = new Map<string, StoredMessage>();
  const interactions = new Map<string, InteractionRecord>();
  const byToken = new Map<string, InteractionRecord>();
  const commands = {
    global: [] as Array<Record<string, unknown>>,
    guild: new Map<string, Array<Record<string, unknown>>>(),
  };
  const rateLimitHits = new Map<string, number>();
  const forced: Array<ForcedFailure | null> = [];
  const sockets = new Set<WebSocket>();
  const identifiedSockets = new Set<WebSocket>();
  let identified = 0;
  let nonceReplays = 0;
  let seq = 0;

  const channelJson = (id: string) => {
    const c = channelIndex.get(id);
    return {
      id,
      type: 0,
      guild_id: c?.guildId,
      name: c?.name ?? 'dm',
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  };

  const guildJson = (g: StandinGuild) => ({
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '400000000000000999',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    features: [],
    roles: [
      {
        id: g.id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: String(MEMBER_PERMISSIONS),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    channels: g.channels.map((c) => channelJson(c.id)),
    threads: [],
    members: [memberJson(botUser)],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    member_count: 2,
    large: false,
    unavailable: false,
    joined_at: new Date().toISOString(),
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    application_id: null,
  });

  /**
   * Attachments from `files[n]` parts, named by the payload's `attachments` entry with id n
   * when there is one (Discord's documented pairing), else by the part's filename.
   */
  function attachmentsFrom(
    channelId: string,
    body: Record<string, unknown>,
    files: UploadedFile[],
  ): StoredAttachment[] | DiscordErrorBody {
    const declared = Array.isArray(body.attachments)
      ? (body.attachments as Array<{ id?: unknown; filename?: unknown; description?: unknown }>)
      : [];
    const out: StoredAttachment[] = [];
    for (const f of files) {
      const meta = declared.find((a) => String(a.id) === String(f.index));
      const filename = typeof meta?.filename === 'string' ? meta.filename : f.filename;
      if (typeof meta?.description === 'string' && meta.description.length > 1024)
        return { code: 50035, message: 'Invalid Form Body' };
      const id = nextId();
      const size = pngDimensions(f.data);
      out.push({
        id,
        filename,
        ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
        content_type: f.contentType,
        size: f.data.length,
        url: `http://127.0.0.1:${port}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
        ...(size ?? {}),
        data: f.data,
      });
    }
    return out;
  }

  /** Discord shows `attachment://name` in an embed as the attachment of that name. */
  function resolveEmbedImages(embeds: Array<Record<string, unknown>>, attachments: StoredAttachment[]) {
    return embeds.map((e) => {
      const image = e.image as { url?: string } | undefined;
      const m = /^attachment:\/\/(.+)$/.exec(image?.url ?? '');
      if (!m) return e;
      const a = attachments.find((x) => x.filename === m[1]);
      return { ...e, image: a ? { url: a.url, width: a.width, height: a.height } : undefined };
    });
  }

  function makeMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Partial<StoredMessage> = {},
  ): StoredMessage {
    return {
      attachments: [],
      id: nextId(),
      channel_id: channelId,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? (body.embeds as Array<Record<string, unknown>>) : [],
      components: Array.isArray(body.components) ? body.components : [],
      allowed_mentions: body.allowed_mentions ?? null,
      nonce: typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : null,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      createdAt: Date.now(),
      ...extra,
    };
  }

  function messageJson(m: StoredMessage) {
    return {
      id: m.id,
      type: 0,
      channel_id: m.channel_id,
      guild_id: channelIndex.get(m.channel_id)?.guildId,
      author: botUser,
      content: m.content,
      timestamp: new Date(m.createdAt).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: m.attachments.map(({ data: _data, ...a }) => ({ ...a, proxy_url: a.url })),
      embeds: m.embeds,
      components: m.components,
      pinned: false,
      flags: m.flags,
      nonce: m.nonce ?? undefined,
      webhook_id: m.webhook_id,
      application_id: m.webhook_id ? appId : undefined,
    };
  }

  function postToChannel(m: StoredMessage): void {
    const list = messages.get(m.channel_id);
    if (list) list.push(m);
    else messages.set(m.channel_id, [m]);
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): number {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
    res.end(payload);
    return status;
  }

  function error(res: ServerResponse, status: number, e: DiscordErrorBody): number {
    return send(res, status, e);
  }

  function tooMany(
    res: ServerResponse,
    retryAfterMs: number,
    global: boolean,
    extra: Record<string, string>,
  ): number {
    const secs = retryAfterMs / 1000;
    return send(
      res,
      429,
      { message: 'You are being rate limited.', retry_after: Number(secs.toFixed(3)), global },
      {
        // Discord documents Retry-After in seconds; the body carries the precise value.
        'retry-after': String(Math.max(0, Math.ceil(secs))),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global ? { 'x-ratelimit-global': 'true' } : {}),
        ...extra,
      },
    );
  }

  function countHit(identity: string): void {
    rateLimitHits.set(identity, (rateLimitHits.get(identity) ?? 0) + 1);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const m = /^\/api\/v10(\/.*)$/.exec(url.pathname);
    if (!m) return error(res, 404, { code: 0, message: '404: Not Found' });
    const path = decodeURIComponent(m[1]!);
    rec.path = path;
    rec.query = Object.fromEntries(url.searchParams);
    const read = await readBody(req);
    const body = read.body as Record<string, unknown> | undefined;
    const files = read.files;
    rec.body = body;
    rec.files = files.map((f) => ({ filename: f.filename, size: f.data.length }));
    if (files.reduce((n, f) => n + f.data.length, 0) > MAX_UPLOAD_BYTES)
      return error(res, 413, { code: 40005, message: 'Request entity too large' });
    const delay = (opts.latencyMs ?? 0) + Math.random() * (opts.latencyJitterMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    // Interaction callbacks and interaction webhooks use the interaction token, not the bot
    // token, and are not bound by the global rate limit.
    const cb = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (cb && method === 'POST')
      return interactionCallback(res, cb[1]!, cb[2]!, body ?? {}, rec.query, files);
    const hook = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path);
    if (hook) return interactionWebhook(res, method, hook[1]!, hook[2]!, hook[3] ?? null, body ?? {}, files);

    if (req.headers.authorization !== `Bot ${token}`)
      return error(res, 401, { code: 0, message: '401: Unauthorized' });

    const now = Date.now();
    const identity = typeof body?.nonce === 'string' ? `nonce:${body.nonce}` : `${method} ${path}`;
    const g = globalLimit.take('bot', now);
    if (!g.ok) {
      countHit(identity);
      return tooMany(res, g.retryAfterMs, true, {});
    }

    if (method === 'GET' && path === '/gateway/bot') {
      const port = opts.publicPort ?? (server.address() as AddressInfo).port;
      return send(res, 200, {
        url: `ws://127.0.0.1:${port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me') return send(res, 200, botUser);
    if (method === 'GET' && path === '/applications/@me') {
      return send(res, 200, { id: appId, name: 'govwatch', flags: 0, bot: botUser });
    }
    const cmds = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands(?:\/(\d+))?$/.exec(path);
    if (cmds) return applicationCommands(res, method, cmds[1]!, cmds[2] ?? null, body);

    const chMsgs = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (chMsgs && method === 'POST') return createMessage(res, chMsgs[1]!, body ?? {}, identity, now, files);
    if (chMsgs && method === 'GET') {
      if (!channelIndex.has(chMsgs[1]!)) return error(res, 404, { code: 10003, message: 'Unknown Channel' });
      if (opts.readHistory === false) return error(res, 403, { code: 50001, message: 'Missing Access' });
      // Newest first, `limit` 1-100 (default 50), as Discord answers; nonces are not echoed here.
      const limit = Math.min(100, Math.max(1, Number(rec.query.limit ?? 50)));
      const list = [...(messages.get(chMsgs[1]!) ?? [])].reverse().slice(0, limit);
      return send(
        res,
        200,
        list.map((m) => ({ ...messageJson(m), nonce: undefined })),
      );
    }
    const ch = /^\/channels\/(\d+)$/.exec(path);
    if (ch && method === 'GET') {
      if (!channelIndex.has(ch[1]!)) return error(res, 404, { code: 10003, message: 'Unknown Channel' });
      return send(res, 200, channelJson(ch[1]!));
    }
    if (path === '/users/@me/channels' && method === 'POST') {
      const recipient = String(body?.recipient_id ?? '');
      const id = `9${recipient.slice(1)}`;
      channelIndex.set(id, { guildId: '', name: `dm-${recipient}` });
      return send(res, 200, {
        id,
        type: 1,
        recipients: [{ id: recipient, username: 'user', discriminator: '0' }],
      });
    }
    const gd = /^\/guilds\/(\d+)$/.exec(path);
    if (gd && method === 'GET') {
      const guild = guilds.find((x) => x.id === gd[1]);
      return guild
        ? send(res, 200, guildJson(guild))
        : error(res, 404, { code: 10004, message: 'Unknown Guild' });
    }
    return error(res, 404, { code: 0, message: '404: Not Found' });
  }

  function createMessage(
    res: ServerResponse,
    channelId: string,
    body: Record<string, unknown>,
    identity: string,
    now: number,
    files: UploadedFile[] = [],
  ): number {
    const bucket = messageLimit.take(channelId, now);
    const bucketHeaders = (remaining: number, resetAt: number): Record<string, string> => ({
      'x-ratelimit-limit': String(msgWindow.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': ((resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': 'standin-create-message',
    });
    if (!bucket.ok) {
      countHit(identity);
      return tooMany(res, bucket.retryAfterMs, false, bucketHeaders(0, bucket.resetAt));
    }
    const headers = bucketHeaders(bucket.remaining, bucket.resetAt);
    const failure = forced.shift();
    if (failure) {
      if (failure.status === 429) {
        countHit(identity);
        return tooMany(res, failure.retryAfterMs ?? 1000, failure.global ?? false, headers);
      }
      return error(res, failure.status, { code: 0, message: `${failure.status}: forced failure` });
    }
    if (!channelIndex.has(channelId)) return error(res, 404, { code: 10003, message: 'Unknown Channel' });
    if (files.length && opts.attachFiles === false)
      return error(res, 403, { code: 50013, message: 'Missing Permissions' });
    const invalid = validateMessage(body, { requireContent: files.length === 0 });
    if (invalid) return error(res, 400, invalid);
    const nonce =
      typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : null;
    if (nonce && body.enforce_nonce === true) {
      const seen = nonces.get(`${channelId}:${nonce}`);
      if (seen && now - seen.createdAt < nonceWindowMs) {
        nonceReplays++;
        return send(res, 200, messageJson(seen), headers);
      }
    }
    const attachments = attachmentsFrom(channelId, body, files);
    if (!Array.isArray(attachments)) return error(res, 400, attachments);
    const msg = makeMessage(channelId, body, {
      attachments,
      embeds: resolveEmbedImages(
        Array.isArray(body.embeds) ? (body.embeds as Array<Record<string, unknown>>) : [],
        attachments,
      ),
    });
    postToChannel(msg);
    if (nonce) nonces.set(`${channelId}:${nonce}`, msg);
    return send(res, 200, messageJson(msg), headers);
  }

  function applicationCommands(
    res: ServerResponse,
    method: string,
    app: string,
    guildId: string | null,
    body: unknown,
  ): number {
    if (app !== appId) return error(res, 403, { code: 50001, message: 'Missing Access' });
    const current = guildId ? (commands.guild.get(guildId) ?? []) : commands.global;
    const store = (list: Array<Record<string, unknown>>) => {
      if (guildId) commands.guild.set(guildId, list);
      else commands.global = list;
    };
    const withIds = (c: Record<string, unknown>): Record<string, unknown> => ({
      id: nextId(),
      application_id: appId,
      version: nextId(),
      type: 1,
      ...c,
      ...(guildId ? { guild_id: guildId } : {}),
    });
    if (method === 'GET') return send(res, 200, current);
    const list =
      method === 'PUT' ? (body as Array<Record<string, unknown>>) : [body as Record<string, unknown>];
    if (!Array.isArray(list)) return error(res, 400, { code: 50035, message: 'Invalid Form Body' });
    const problems = list.flatMap((c, i) => validateCommand(c, [String(i)]));
    if (problems.length) {
      return error(res, 400, { code: 50035, message: 'Invalid Form Body', errors: { _errors: problems } });
    }
    const made = list.map(withIds);
    if (method === 'PUT') {
      store(made);
      return send(res, 200, made);
    }
    if (method === 'POST') {
      store([...current.filter((c) => c.name !== made[0]!.name), made[0]!]);
      return send(res, 201, made[0]);
    }
    return error(res, 405, { code: 0, message: '405: Method Not Allowed' });
  }

  function interactionCallback(
    res: ServerResponse,
    id: string,
    itoken: string,
    body: Record<string, unknown>,
    query: Record<string, string>,
    files: UploadedFile[] = [],
  ): number {
    const rec = interactions.get(id);
    if (!rec || rec.token !== itoken || Date.now() - rec.dispatchedAt > deadlineMs) {
      return error(res, 404, { code: 10062, message: 'Unknown interaction' });
    }
    if (rec.callback)
      return error(res, 400, { code: 40060, message: 'Interaction has already been acknowledged.' });
    const type = Number(body.type);
    const data = body.data as Record<string, unknown> | undefined;
    if (type === 4 || type === 7) {
      const invalid = validateMessage(data ?? {}, { requireContent: type === 4 && files.length === 0 });
      if (invalid) return error(res, 400, invalid);
    } else if (files.length) {
      return error(res, 400, { code: 50035, message: 'Invalid Form Body' });
    }
    if (type === 8) {
      const choices = (data?.choices ?? []) as unknown[];
      if (choices.length > 25) return error(res, 400, { code: 50035, message: 'Invalid Form Body' });
    }
    const channelId = interactionChannel.get(id)!;
    const attachments = attachmentsFrom(channelId, data ?? {}, files);
    if (!Array.isArray(attachments)) return error(res, 400, attachments);
    rec.callback = { type, data, at: Date.now() };
    if (type === 4 || type === 5) {
      const flags = Number(data?.flags ?? 0);
      rec.original = makeMessage(channelId, type === 4 ? (data ?? {}) : { flags }, {
        webhook_id: appId,
        interaction_id: id,
        flags,
        attachments,
        embeds: resolveEmbedImages(
          Array.isArray(data?.embeds) ? (data.embeds as Array<Record<string, unknown>>) : [],
          attachments,
        ),
      });
      if (type === 4 && !(flags & 64)) postToChannel(rec.original);
    }
    if (type === 7 && rec.original) Object.assign(rec.original, patchFields(data ?? {}, attachments));
    if (query.with_response === 'true') {
      return send(res, 200, {
        interaction: { id, type: rec.type },
        resource: { type, message: rec.original ? messageJson(rec.original) : undefined },
      });
    }
    return send(res, 204, undefined);
  }

  /**
   * An edit's fields. Attachments: those of the `attachments` list that already exist are
   * kept, new files are added (Discord: an edit lists every attachment to keep).
   */
  function patchFields(
    body: Record<string, unknown>,
    added: StoredAttachment[] = [],
    current: StoredAttachment[] = [],
  ): Partial<StoredMessage> {
    const out: Partial<StoredMessage> = {};
    let attachments = current;
    if (Array.isArray(body.attachments) || added.length) {
      const keep = new Set(((body.attachments ?? []) as Array<{ id?: unknown }>).map((a) => String(a.id)));
      attachments = [...current.filter((a) => keep.has(a.id)), ...added];
      out.attachments = attachments;
    }
    if (typeof body.content === 'string') out.content = body.content;
    if (Array.isArray(body.embeds))
      out.embeds = resolveEmbedImages(body.embeds as Array<Record<string, unknown>>, attachments);
    if (Array.isArray(body.components)) out.components = body.components;
    if (body.allowed_mentions !== undefined) out.allowed_mentions = body.allowed_mentions;
    return out;
  }

  function interactionWebhook(
    res: ServerResponse,
    method: string,
    app: string,
    itoken: string,
    messageId: string | null,
    body: Record<string, unknown>,
    files: UploadedFile[] = [],
  ): number {
    const rec = byToken.get(itoken);
    if (!rec || app !== appId) return error(res, 404, { code: 10015, message: 'Unknown Webhook' });
    if (!rec.callback) return error(res, 404, { code: 10015, message: 'Unknown Webhook' });
    const channelId = interactionChannel.get(rec.id)!;
    const added = attachmentsFrom(channelId, body, files);
    if (!Array.isArray(added)) return error(res, 400, added);
    if (messageId === null && method === 'POST') {
      const invalid = validateMessage(body, { requireContent: files.length === 0 });
      if (invalid) return error(res, 400, invalid);
      const flags = Number(body.flags ?? 0);
      const msg = makeMessage(channelId, body, {
        webhook_id: appId,
        interaction_id: rec.id,
        flags,
        attachments: added,
        embeds: resolveEmbedImages(
          Array.isArray(body.embeds) ? (body.embeds as Array<Record<string, unknown>>) : [],
          added,
        ),
      });
      rec.followups.push(msg);
      if (!(flags & 64)) postToChannel(msg);
      return send(res, 200, messageJson(msg));
    }
    const target = messageId === '@original' ? rec.original : rec.followups.find((f) => f.id === messageId);
    if (!target) return error(res, 404, { code: 10008, message: 'Unknown Message' });
    if (method === 'PATCH') {
      const invalid = validateMessage(body, { requireContent: false });
      if (invalid) return error(res, 400, invalid);
      const wasEmpty = target.content === '' && target.embeds.length === 0 && !target.attachments.length;
      Object.assign(target, patchFields(body, added, target.attachments));
      if (target === rec.original) rec.edits++;
      // A deferred public reply becomes visible in the channel when first edited.
      if (wasEmpty && !(target.flags & 64) && !(messages.get(channelId) ?? []).includes(target)) {
        postToChannel(target);
      }
      return send(res, 200, messageJson(target));
    }
    if (method === 'GET') return send(res, 200, messageJson(target));
    if (method === 'DELETE') {
      if (target === rec.original) rec.originalDeleted = true;
      const list = messages.get(channelId);
      if (list)
        messages.set(
          channelId,
          list.filter((x) => x !== target),
        );
      return send(res, 204, undefined);
    }
    return error(res, 405, { code: 0, message: '405: Method Not Allowed' });
  }

  const server = createServer((req, res) => {
    const rec: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '',
      query: {},
      body: undefined,
      status: 0,
    };
    requests.push(rec);
    handle(req, res, rec)
      .then((status) => (rec.status = status))
      .catch((err: unknown) => {
        rec.status = 500;
        if (!res.headersSent) send(res, 500, { code: 0, message: String(err) });
      });
  });

  // Gateway -----------------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const u = new URL(req.url ?? '/', 'http://standin');
    if (
      u.pathname !== '/gateway' ||
      u.searchParams.get('encoding') !== 'json' ||
      u.searchParams.has('compress')
    ) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const dispatch = (ws: WebSocket, t: string, d: unknown) =>
    ws.send(JSON.stringify({ op: 0, t, s: ++seq, d }));

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: heartbeatMs }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (msg.op === 2) {
        if (msg.d?.token !== token && msg.d?.token !== `Bot ${token}`) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        identified++;
        identifiedSockets.add(ws);
        const port = opts.publicPort ?? (server.address() as AddressInfo).port;
        dispatch(ws, 'READY', {
          v: 10,
          user: botUser,
          guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
          session_id: createHash('sha1').update(String(Math.random())).digest('hex'),
          resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
          shard: [0, 1],
          application: { id: appId, flags: 0 },
        });
        for (const g of guilds) dispatch(ws, 'GUILD_CREATE', guildJson(g));
      }
    });
    ws.on('close', () => {
      sockets.delete(ws);
      identifiedSockets.delete(ws);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  // Interactions --------------------------------------------------------------------------
  const interactionChannel = new Map<string, string>();
  let commandIds = 0;

  function baseInteraction(type: number, who: InteractOptions) {
    const guild = guilds.find((g) => g.id === who.guildId) ?? guilds[0]!;
    const channelId = who.channelId ?? guild.channels[0]!.id;
    const id = nextId();
    const itoken = `itok-${id}-${createHash('sha1').update(id).digest('hex').slice(0, 12)}`;
    const user = {
      id: who.userId ?? '500000000000000001',
      username: who.userName ?? 'alice',
      discriminator: '0',
      global_name: who.userName ?? 'alice',
      avatar: null,
    };
    const rec: InteractionRecord = {
      id,
      token: itoken,
      type,
      dispatchedAt: 0,
      callback: null,
      original: null,
      originalDeleted: false,
      edits: 0,
      followups: [],
    };
    interactions.set(id, rec);
    byToken.set(itoken, rec);
    interactionChannel.set(id, channelId);
    const payload = {
      id,
      application_id: appId,
      type,
      token: itoken,
      version: 1,
      guild_id: guild.id,
      channel_id: channelId,
      channel: { ...channelJson(channelId), permissions: String(who.permissions ?? MEMBER_PERMISSIONS) },
      member: { ...memberJson(user), permissions: String(who.permissions ?? MEMBER_PERMISSIONS) },
      app_permissions: String(MEMBER_PERMISSIONS),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 8 * 1024 * 1024,
    };
    return { rec, payload };
  }

  function emitInteraction(rec: InteractionRecord, payload: unknown): InteractionRecord {
    const ws = [...identifiedSockets][0];
    if (!ws) throw new Error('no bot is connected to the stand-in gateway');
    rec.dispatchedAt = Date.now();
    dispatch(ws, 'INTERACTION_CREATE', payload);
    return rec;
  }

  function commandData(name: string, options: CommandOptionInput[] | undefined, who: InteractOptions) {
    const registered = [...commands.global, ...(commands.guild.get(who.guildId ?? guilds[0]!.id) ?? [])].find(
      (c) => c.name === name,
    );
    return { id: (registered?.id as string | undefined) ?? String(++commandIds), name, type: 1, options };
  }

  const api: DiscordStandin = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    token,
    appId,
    guilds,
    requests,
    messages,
    interactions,
    commands,
    rateLimitHits,
    get identified() {
      return identified;
    },
    get nonceReplays() {
      return nonceReplays;
    },
    failNextMessages(n, failure, skip = 0) {
      for (let i = 0; i < skip; i++) forced.push(null);
      for (let i = 0; i < n; i++) forced.push(failure);
    },
    addChannel(guildId, id, name) {
      channelIndex.set(id, { guildId, name });
    },
    async command(name, options, who = {}) {
      const { rec, payload } = baseInteraction(2, who);
      return emitInteraction(rec, { ...payload, data: commandData(name, options, who) });
    },
    async autocomplete(name, options, who = {}) {
      const { rec, payload } = baseInteraction(4, who);
      return emitInteraction(rec, { ...payload, data: commandData(name, options, who) });
    },
    async button(message, customId, who = {}) {
      const { rec, payload } = baseInteraction(3, { ...who, channelId: message.channel_id });
      // Update callbacks (6, 7) and @original edits act on the clicked message.
      rec.original = message;
      return emitInteraction(rec, {
        ...payload,
        message: messageJson(message),
        data: { custom_id: customId, component_type: 2 },
      });
    },
    async waitForAnswer(rec, timeoutMs = 5_000) {
      const start = Date.now();
      for (;;) {
        const deferredType = rec.callback?.type === 5 || rec.callback?.type === 6;
        const answered =
          rec.callback !== null &&
          (!deferredType || rec.followups.length > 0 || rec.originalDeleted || rec.edits > 0);
        if (answered) {
          // Let follow-ups that come right after the first answer arrive too.
          await new Promise((r) => setTimeout(r, 50));
          return rec;
        }
        if (Date.now() - start > timeoutMs)
          throw new Error(`interaction ${rec.id} was not answered in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async waitForReady(timeoutMs = 10_000) {
      const start = Date.now();
      while (identifiedSockets.size === 0) {
        if (Date.now() - start > timeoutMs) throw new Error('the bot did not identify');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
