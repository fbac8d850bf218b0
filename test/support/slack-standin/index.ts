// A local Slack for tests: the Web API methods govwatch uses, the Socket Mode WebSocket that
// apps.connections.open points to, response_url endpoints, and helpers that send signed HTTP
// requests to Bolt's receiver. Payloads and limits follow Slack's documentation; everything the
// bot sends is recorded for assertions. Point the real Bolt App at `apiUrl` (SLACK_API_URL).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { validateBlocks, SLACK_LIMITS } from './blocks.ts';
import { boundaryOf, parseMultipart } from '../multipart.ts';

export { analyzeMrkdwn, mrkdwnTexts } from './mrkdwn.ts';
export { validateBlocks, SLACK_LIMITS } from './blocks.ts';

export interface StandinUser {
  id: string;
  name: string;
  isAdmin?: boolean;
  isOwner?: boolean;
}

export interface StandinChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** The bot was invited. Public channels accept posts anyway (chat:write.public). */
  botIsMember?: boolean;
  isArchived?: boolean;
}

export interface PostedMessage {
  method: 'chat.postMessage' | 'chat.postEphemeral' | 'chat.update';
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  metadata: unknown;
  user?: string;
  at: number;
}

export interface ResponseRecord {
  /** `ack`: the payload of a Socket Mode ack or an HTTP 200 body; `response_url`: a later POST. */
  via: 'ack' | 'response_url';
  responseUrlId: string;
  body: {
    response_type?: 'ephemeral' | 'in_channel';
    text?: string;
    blocks?: unknown[];
    replace_original?: boolean;
    delete_original?: boolean;
  };
  at: number;
}

export interface ApiCall {
  method: string;
  status: number;
  ok: boolean;
  error?: string;
  channel?: string;
  at: number;
}

export interface StandinOptions {
  teamId?: string;
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  /** Sustained chat.postMessage rate per channel (Slack: about 1 per second). */
  postsPerSecondPerChannel?: number;
  /** Short bursts above the rate are tolerated (token-bucket capacity). */
  burst?: number;
  /** How long a Socket Mode envelope may wait for its ack (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** Whether the app was granted channels:history/groups:history/im:history (default yes). */
  historyScopes?: boolean;
  /**
   * The port the Socket Mode URL names (default the stand-in's own): a proxy's, so a test
   * can cut the socket as well as the Web API (test/support/tcp-proxy.ts).
   */
  publicPort?: number;
  /** Whether the app was granted files:write (default yes): without it uploads fail with missing_scope. */
  filesWrite?: boolean;
}

/** A file shared through the external upload flow (files.getUploadURLExternal → upload → complete). */
export interface SharedFile {
  id: string;
  filename: string;
  title: string | undefined;
  altText: string | undefined;
  channel: string;
  initialComment: string | undefined;
  threadTs: string | undefined;
  data: Buffer;
  /** How the bytes were posted to the upload URL. */
  uploadedAs: 'raw' | 'multipart';
  ts: string;
  at: number;
}

interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  altText: string | undefined;
  data: Buffer | null;
  uploadedAs: 'raw' | 'multipart' | null;
}

interface Fault {
  status: number;
  error?: string;
  retryAfterSec?: number;
}

interface Pending {
  resolve: (payload: Record<string, unknown> | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseFields(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // Slack answers invalid JSON in blocks with invalid_blocks; validation below reports it.
      }
    }
    out[k] = v;
  }
  return out;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Sign a request body the way Slack does (v0 HMAC-SHA256 over `v0:timestamp:body`). */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export class SlackStandin {
  readonly teamId: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly botUserId = 'UBOTGOVWATCH';
  readonly appId = 'AGOVWATCH01';

  readonly posted: PostedMessage[] = [];
  /** Files completed with files.completeUploadExternal and shared into a channel. */
  readonly files: SharedFile[] = [];
  readonly responses: ResponseRecord[] = [];
  readonly calls: ApiCall[] = [];
  /** Socket Mode envelopes sent and how they were acknowledged. */
  readonly envelopes: Array<{
    envelope_id: string;
    type: string;
    connection: number;
    ackedAfterMs: number | null;
  }> = [];

  private server!: Server;
  private wss!: WebSocketServer;
  private baseUrl = '';
  private readonly users = new Map<string, StandinUser>();
  private readonly channels = new Map<string, StandinChannel>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly socketIds = new WeakMap<WebSocket, number>();
  private socketCount = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly responseUrls = new Map<string, { uses: number; created: number }>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly ackTimeoutMs: number;
  private readonly historyScopes: boolean;
  private readonly filesWrite: boolean;
  private readonly uploads = new Map<string, PendingUpload>();
  private fileCounter = 0;
  private tsCounter = 0;
  private socketTurn = 0;

  private readonly publicPort: number | undefined;

  constructor(opts: StandinOptions = {}) {
    this.publicPort = opts.publicPort;
    this.teamId = opts.teamId ?? 'T0GOVWATCH';
    this.botToken = opts.botToken ?? 'xoxb-standin-bot-token';
    this.appToken = opts.appToken ?? 'xapp-standin-app-token';
    this.signingSecret = opts.signingSecret ?? 'standin-signing-secret';
    this.rate = opts.postsPerSecondPerChannel ?? 1;
    this.burst = opts.burst ?? 3;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
    this.historyScopes = opts.historyScopes ?? true;
    this.filesWrite = opts.filesWrite ?? true;
  }

  /** The id of the app's direct-message conversation with a user. */
  dmChannelFor(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  /** Base of the Web API, for SLACK_API_URL / `slackApiUrl` (ends with `/api/`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => send(res, 500, { ok: false, error: String(err) }));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link' || !this.tickets.delete(ticket)) {
        socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('stand-in stopped'));
    }
    this.pending.clear();
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addUser(u: StandinUser): this {
    this.users.set(u.id, u);
    return this;
  }

  addChannel(c: StandinChannel): this {
    this.channels.set(c.id, c);
    return this;
  }

  /** Make the next `count` calls of `method` fail (e.g. `{status: 429, retryAfterSec: 7}` or `{status: 200, error: 'channel_not_found'}`). */
  failNext(method: string, fault: Fault, count = 1): this {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.faults.set(method, list);
    return this;
  }

  messagesIn(channel: string): PostedMessage[] {
    return this.posted.filter((m) => m.channel === channel && m.method === 'chat.postMessage');
  }

  get connectedSockets(): number {
    return [...this.sockets].filter((s) => s.readyState === s.OPEN).length;
  }

  // Web API ---------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    if (url.pathname.startsWith('/upload/v1/') && req.method === 'POST')
      return this.onUpload(url.pathname.slice('/upload/v1/'.length), body, req, res);
    const raw = body.toString('utf8');
    if (url.pathname.startsWith('/response/'))
      return this.onResponseUrl(url.pathname.slice('/response/'.length), raw, req, res);
    if (!url.pathname.startsWith('/api/') || req.method !== 'POST')
      return send(res, 404, { ok: false, error: 'not_found' });
    const method = url.pathname.slice('/api/'.length);
    const fields = parseFields(raw, req.headers['content-type']);
    const result = this.api(method, fields, req.headers.authorization);
    this.calls.push({
      method,
      status: result.status,
      ok: Boolean((result.body as { ok?: boolean }).ok),
      error: (result.body as { error?: string }).error,
      channel:
        typeof fields.channel === 'string'
          ? fields.channel
          : typeof fields.channel_id === 'string'
            ? fields.channel_id
            : undefined,
      at: Date.now(),
    });
    send(res, result.status, result.body, result.headers);
  }

  private api(
    method: string,
    f: Record<string, unknown>,
    authorization: string | undefined,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const token = authorization?.startsWith('Bearer ')
      ? authorization.slice(7)
      : typeof f.token === 'string'
        ? f.token
        : '';
    const fail = (error: string, extra: Record<string, unknown> = {}) => ({
      status: 200,
      body: { ok: false, error, ...extra },
    });
    if (!token) return fail('not_authed');
    const wantApp = method === 'apps.connections.open';
    if (token !== (wantApp ? this.appToken : this.botToken)) return fail('invalid_auth');

    const fault = this.faults.get(method)?.shift();
    if (fault) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
      return {
        status: fault.status,
        body: { ok: false, error: fault.error ?? (fault.status === 429 ? 'ratelimited' : 'fatal_error') },
        headers,
      };
    }

    switch (method) {
      case 'auth.test':
        return {
          status: 200,
          body: {
            ok: true,
            url: 'https://govwatch-standin.slack.com/',
            team: 'Stand-in',
            user: 'govwatch',
            team_id: this.teamId,
            user_id: this.botUserId,
            bot_id: 'BGOVWATCH',
          },
        };
      case 'apps.connections.open': {
        const ticket = randomBytes(8).toString('hex');
        this.tickets.add(ticket);
        return {
          status: 200,
          body: {
            ok: true,
            url: `${(this.publicPort ? `http://127.0.0.1:${this.publicPort}` : this.baseUrl).replace('http', 'ws')}/link?ticket=${ticket}`,
          },
        };
      }
      case 'users.info': {
        const u = this.users.get(String(f.user ?? ''));
        if (!u) return fail('user_not_found');
        return {
          status: 200,
          body: {
            ok: true,
            user: {
              id: u.id,
              team_id: this.teamId,
              name: u.name,
              real_name: u.name,
              is_admin: Boolean(u.isAdmin),
              is_owner: Boolean(u.isOwner),
              is_primary_owner: false,
              is_bot: false,
            },
          },
        };
      }
      case 'conversations.info': {
        const c = this.channels.get(String(f.channel ?? ''));
        if (!c) return fail('channel_not_found');
        return {
          status: 200,
          body: {
            ok: true,
            channel: {
              id: c.id,
              name: c.name,
              is_channel: !c.isPrivate,
              is_private: Boolean(c.isPrivate),
              is_member: Boolean(c.botIsMember),
              is_archived: Boolean(c.isArchived),
            },
          },
        };
      }
      case 'conversations.open': {
        const users = String(f.users ?? '');
        if (!this.users.has(users)) return fail('user_not_found');
        return { status: 200, body: { ok: true, channel: { id: this.dmChannelFor(users) } } };
      }
      case 'conversations.history':
        return this.history(f);
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update':
        return this.chat(method, f);
      case 'files.getUploadURLExternal':
        return this.uploadUrl(f);
      case 'files.completeUploadExternal':
        return this.completeUpload(f);
      case 'files.upload':
        // Retired for new apps in 2024 and for all apps since November 2025.
        return fail('method_deprecated');
      default:
        return fail('unknown_method');
    }
  }

  private history(f: Record<string, unknown>): { status: number; body: unknown } {
    const fail = (error: string) => ({ status: 200, body: { ok: false, error } });
    if (!this.historyScopes) return fail('missing_scope');
    const channel = String(f.channel ?? '');
    const isDm = channel.startsWith('D') && this.users.has(`U${channel.slice(1)}`);
    const c = this.channels.get(channel);
    if (!isDm && !c) return fail('channel_not_found');
    if (c && !c.botIsMember) return fail('not_in_channel');
    const limit = Math.min(Number(f.limit ?? 100) || 100, 999);
    // Newest first, as Slack returns history.
    const all = this.posted.filter((m) => m.channel === channel && m.method === 'chat.postMessage').reverse();
    const start = Number(f.cursor ?? 0) || 0;
    const page = all.slice(start, start + limit);
    const withMeta = f.include_all_metadata === true || f.include_all_metadata === 'true';
    const next = start + limit < all.length ? String(start + limit) : '';
    return {
      status: 200,
      body: {
        ok: true,
        messages: page.map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          bot_id: 'BGOVWATCH',
          ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
        })),
        has_more: Boolean(next),
        response_metadata: { next_cursor: next },
      },
    };
  }

  private chat(
    method: PostedMessage['method'],
    f: Record<string, unknown>,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const fail = (error: string, extra: Record<string, unknown> = {}) => ({
      status: 200,
      body: { ok: false, error, ...extra },
    });
    const requested = String(f.channel ?? '');
    // A user id as channel means the app's DM with that user; it is recorded under the DM's id.
    const isDm =
      (/^[UW]/.test(requested) && this.users.has(requested)) ||
      (requested.startsWith('D') && this.users.has(`U${requested.slice(1)}`));
    const channel = isDm && !requested.startsWith('D') ? this.dmChannelFor(requested) : requested;
    const c = this.channels.get(channel);
    if (!isDm && !c) return fail('channel_not_found');
    if (c?.isArchived) return fail('is_archived');
    if (c && c.isPrivate && !c.botIsMember) return fail('not_in_channel');
    const text = typeof f.text === 'string' ? f.text : undefined;
    const blocks = f.blocks;
    if (text === undefined && blocks === undefined) return fail('no_text');
    if (text !== undefined && text.length > SLACK_LIMITS.messageText) return fail('msg_too_long');
    if (blocks !== undefined) {
      const errors = validateBlocks(blocks);
      if (errors.length)
        return fail('invalid_blocks', {
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
        });
    }
    if (method === 'chat.postMessage') {
      const wait = this.takeToken(channel);
      if (wait > 0) {
        return {
          status: 429,
          body: { ok: false, error: 'ratelimited' },
          headers: { 'retry-after': String(Math.ceil(wait / 1000)) },
        };
      }
    }
    if (method === 'chat.update') {
      const prior = this.posted.find(
        (m) => m.channel === channel && m.ts === f.ts && m.method === 'chat.postMessage',
      );
      if (!prior) return fail('message_not_found');
    }
    const ts = method === 'chat.update' ? String(f.ts) : this.nextTs();
    const msg: PostedMessage = {
      method,
      channel,
      ts,
      text,
      blocks: blocks as unknown[] | undefined,
      metadata: f.metadata,
      user: typeof f.user === 'string' ? f.user : undefined,
      at: Date.now(),
    };
    this.posted.push(msg);
    if (method === 'chat.postEphemeral') return { status: 200, body: { ok: true, message_ts: ts } };
    return {
      status: 200,
      body: { ok: true, channel, ts, message: { type: 'message', text, blocks, ts, bot_id: 'BGOVWATCH' } },
    };
  }

  // Files: the external upload flow ------------------------------------------------

  private missingFilesScope() {
    return {
      status: 200,
      body: { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'commands,chat:write' },
    };
  }

  /** files.getUploadURLExternal: `filename` and `length` (bytes) are required. */
  private uploadUrl(f: Record<string, unknown>): { status: number; body: unknown } {
    if (!this.filesWrite) return this.missingFilesScope();
    const filename = typeof f.filename === 'string' ? f.filename : '';
    const length = Number(f.length);
    if (!filename || !Number.isInteger(length) || length < 1)
      return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
    const id = `F${String(++this.fileCounter).padStart(9, '0')}`;
    this.uploads.set(id, {
      id,
      filename,
      length,
      altText: typeof f.alt_text === 'string' ? f.alt_text : undefined,
      data: null,
      uploadedAs: null,
    });
    return { status: 200, body: { ok: true, upload_url: `${this.baseUrl}/upload/v1/${id}`, file_id: id } };
  }

  /** The upload URL takes the bytes raw or as a multipart form; it answers 200 "OK - <length>". */
  private onUpload(id: string, body: Buffer, req: IncomingMessage, res: ServerResponse): void {
    const upload = this.uploads.get(id);
    if (!upload || upload.data) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    const boundary = boundaryOf(req.headers['content-type']);
    let data = body;
    if (boundary) {
      const parts = parseMultipart(body, boundary);
      if (parts.length !== 1) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('expected one file part');
        return;
      }
      data = parts[0]!.data;
    }
    if (data.length !== upload.length) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`length mismatch: declared ${upload.length}, got ${data.length}`);
      return;
    }
    upload.data = data;
    upload.uploadedAs = boundary ? 'multipart' : 'raw';
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  }

  /** files.completeUploadExternal: `files` [{id, title}], shared into `channel_id` when given. */
  private completeUpload(f: Record<string, unknown>): { status: number; body: unknown } {
    const fail = (error: string) => ({ status: 200, body: { ok: false, error } });
    if (!this.filesWrite) return this.missingFilesScope();
    const list = f.files;
    if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
    const channel = typeof f.channel_id === 'string' ? f.channel_id : undefined;
    if (channel !== undefined) {
      const isDm = channel.startsWith('D') && this.users.has(`U${channel.slice(1)}`);
      const c = this.channels.get(channel);
      if (!isDm && !c) return fail('channel_not_found');
      if (c?.isArchived) return fail('is_archived');
      if (c && !c.botIsMember) return fail('not_in_channel');
    }
    const done: Array<{ id: string; title: string | undefined; upload: PendingUpload }> = [];
    for (const entry of list as Array<{ id?: unknown; title?: unknown }>) {
      const upload = this.uploads.get(String(entry.id ?? ''));
      if (!upload?.data) return fail('file_not_found');
      done.push({ id: upload.id, title: typeof entry.title === 'string' ? entry.title : undefined, upload });
    }
    const ts = this.nextTs();
    for (const d of done) {
      this.uploads.delete(d.id);
      if (channel === undefined) continue;
      this.files.push({
        id: d.id,
        filename: d.upload.filename,
        title: d.title,
        altText: d.upload.altText,
        channel,
        initialComment: typeof f.initial_comment === 'string' ? f.initial_comment : undefined,
        threadTs: typeof f.thread_ts === 'string' ? f.thread_ts : undefined,
        data: d.upload.data!,
        uploadedAs: d.upload.uploadedAs!,
        ts,
        at: Date.now(),
      });
    }
    return {
      status: 200,
      body: { ok: true, files: done.map((d) => ({ id: d.id, title: d.title ?? d.upload.filename })) },
    };
  }

  /** Token bucket per channel; returns 0 when a post may go now, else ms until it may. */
  private takeToken(channel: string): number {
    const now = Date.now();
    const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return ((1 - b.tokens) / this.rate) * 1000;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  // response_url ----------------------------------------------------------------------

  private newResponseUrl(): { id: string; url: string } {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { uses: 0, created: Date.now() });
    return { id, url: `${this.baseUrl}/response/${id}` };
  }

  private onResponseUrl(id: string, raw: string, req: IncomingMessage, res: ServerResponse): void {
    const entry = this.responseUrls.get(id);
    // Slack: a response_url works up to 5 times within 30 minutes.
    if (!entry || entry.uses >= 5 || Date.now() - entry.created > 30 * 60_000) {
      return send(res, 404, { ok: false, error: 'used_url' });
    }
    let body: ResponseRecord['body'];
    try {
      body = parseFields(raw, req.headers['content-type'] ?? 'application/json') as ResponseRecord['body'];
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    if (body.blocks !== undefined) {
      const errors = validateBlocks(body.blocks);
      if (errors.length)
        return send(res, 400, {
          ok: false,
          error: 'invalid_blocks',
          response_metadata: { messages: errors },
        });
    }
    entry.uses += 1;
    this.responses.push({ via: 'response_url', responseUrlId: id, body, at: Date.now() });
    send(res, 200, { ok: true });
  }

  /** Responses (acks with a body and response_url posts) belonging to one command or click. */
  responsesFor(responseUrlId: string): ResponseRecord[] {
    return this.responses.filter((r) => r.responseUrlId === responseUrlId);
  }

  /** Wait until `count` responses for this response_url id have arrived. */
  async waitForResponses(responseUrlId: string, count = 1, timeoutMs = 5000): Promise<ResponseRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const got = this.responsesFor(responseUrlId);
      if (got.length >= count) return got;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(
      `timed out waiting for ${count} response(s) to ${responseUrlId}; got ${this.responsesFor(responseUrlId).length}`,
    );
  }

  // Socket Mode -----------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    this.socketIds.set(ws, ++this.socketCount);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      const p = msg.envelope_id ? this.pending.get(msg.envelope_id) : undefined;
      if (!p || !msg.envelope_id) return;
      this.pending.delete(msg.envelope_id);
      clearTimeout(p.timer);
      p.resolve(msg.payload);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'standin', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  /** Wait until Bolt has a Socket Mode connection open. */
  async waitForSocket(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connectedSockets === 0) {
      if (Date.now() > deadline) throw new Error('no Socket Mode connection');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Send an envelope to one connected client (round robin, as Slack spreads envelopes over an
   * app's connections) and resolve with the ack payload; reject if no ack comes within 3 s.
   */
  dispatch(
    type: 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const open = [...this.sockets].filter((s) => s.readyState === s.OPEN);
    if (!open.length) return Promise.reject(new Error('no Socket Mode connection'));
    const ws = open[this.socketTurn++ % open.length] as WebSocket;
    const envelope_id = randomBytes(12).toString('hex');
    const record = {
      envelope_id,
      type,
      connection: this.socketIds.get(ws) ?? 0,
      ackedAfterMs: null as number | null,
    };
    this.envelopes.push(record);
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope_id);
        reject(
          new Error(`envelope ${envelope_id} (${type}) was not acknowledged within ${this.ackTimeoutMs} ms`),
        );
      }, this.ackTimeoutMs);
      this.pending.set(envelope_id, {
        resolve: (p) => {
          record.ackedAfterMs = Date.now() - sentAt;
          resolve(p);
        },
        reject,
        timer,
      });
      ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: true }));
    });
  }

  // Building payloads -----------------------------------------------------------------

  slashPayload(p: { command: string; text?: string; userId: string; channelId: string }): {
    payload: Record<string, string>;
    responseUrlId: string;
  } {
    const { id, url } = this.newResponseUrl();
    const user = this.users.get(p.userId);
    const channel = this.channels.get(p.channelId);
    return {
      responseUrlId: id,
      payload: {
        token: 'legacy-verification-token',
        team_id: this.teamId,
        team_domain: 'govwatch-standin',
        channel_id: p.channelId,
        channel_name: channel?.name ?? 'directmessage',
        user_id: p.userId,
        user_name: user?.name ?? p.userId,
        command: p.command,
        text: p.text ?? '',
        api_app_id: this.appId,
        is_enterprise_install: 'false',
        response_url: url,
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      },
    };
  }

  /** A block_actions payload for clicking the button labelled `label` in a recorded response. */
  clickPayload(p: { from: ResponseRecord; label: string; userId: string; channelId: string }): {
    payload: Record<string, unknown>;
    responseUrlId: string;
  } {
    const button = findButton(p.from.body.blocks ?? [], p.label);
    if (!button) throw new Error(`no button labelled "${p.label}" in that response`);
    const { id, url } = this.newResponseUrl();
    const user = this.users.get(p.userId);
    return {
      responseUrlId: id,
      payload: {
        type: 'block_actions',
        user: {
          id: p.userId,
          username: user?.name ?? p.userId,
          name: user?.name ?? p.userId,
          team_id: this.teamId,
        },
        api_app_id: this.appId,
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: '0', channel_id: p.channelId, is_ephemeral: true },
        trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
        team: { id: this.teamId, domain: 'govwatch-standin' },
        channel: { id: p.channelId, name: this.channels.get(p.channelId)?.name ?? 'directmessage' },
        response_url: url,
        actions: [
          {
            action_id: button.action_id,
            block_id: button.block_id,
            text: button.text,
            value: button.value,
            type: 'button',
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      },
    };
  }

  /** Socket Mode: run a slash command; resolves once acked, with the ack payload recorded. */
  async slashCommand(p: {
    command: string;
    text?: string;
    userId: string;
    channelId: string;
  }): Promise<{ responseUrlId: string; ack: Record<string, unknown> | undefined }> {
    const { payload, responseUrlId } = this.slashPayload(p);
    const ack = await this.dispatch('slash_commands', payload);
    this.recordAck(responseUrlId, ack);
    return { responseUrlId, ack };
  }

  /** Socket Mode: click a button from a recorded response. */
  async click(p: {
    from: ResponseRecord;
    label: string;
    userId: string;
    channelId: string;
  }): Promise<{ responseUrlId: string }> {
    const { payload, responseUrlId } = this.clickPayload(p);
    const ack = await this.dispatch('interactive', payload);
    this.recordAck(responseUrlId, ack);
    return { responseUrlId };
  }

  private recordAck(responseUrlId: string, ack: Record<string, unknown> | undefined): void {
    if (ack && (ack.text !== undefined || ack.blocks !== undefined)) {
      this.responses.push({ via: 'ack', responseUrlId, body: ack as ResponseRecord['body'], at: Date.now() });
    }
  }

  // HTTP mode -------------------------------------------------------------------------

  /**
   * HTTP mode: POST a signed slash command to Bolt's receiver (`/slack/events`). `sign`
   * overrides let tests send a wrong secret, an old timestamp or no signature at all.
   */
  async httpSlashCommand(
    receiverUrl: string,
    p: { command: string; text?: string; userId: string; channelId: string },
    sign: { secret?: string; timestampSec?: number; omitSignature?: boolean } = {},
  ): Promise<{ status: number; body: string; responseUrlId: string }> {
    const { payload, responseUrlId } = this.slashPayload(p);
    const body = new URLSearchParams(payload).toString();
    const r = await this.signedPost(receiverUrl, body, sign);
    if (r.status === 200 && r.body) {
      try {
        this.recordAck(responseUrlId, JSON.parse(r.body) as Record<string, unknown>);
      } catch {
        // A plain-text 200 body is an empty ack.
      }
    }
    return { ...r, responseUrlId };
  }

  async httpClick(
    receiverUrl: string,
    p: { from: ResponseRecord; label: string; userId: string; channelId: string },
  ): Promise<{ status: number; responseUrlId: string }> {
    const { payload, responseUrlId } = this.clickPayload(p);
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const r = await this.signedPost(receiverUrl, body, {});
    return { status: r.status, responseUrlId };
  }

  private async signedPost(
    url: string,
    body: string,
    sign: { secret?: string; timestampSec?: number; omitSignature?: boolean },
  ): Promise<{ status: number; body: string }> {
    const ts = sign.timestampSec ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
    };
    if (!sign.omitSignature)
      headers['x-slack-signature'] = slackSignature(sign.secret ?? this.signingSecret, ts, body);
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text() };
  }
}

interface Button {
  action_id: string;
  block_id?: string;
  text: { type: string; text: string };
  value?: string;
}

function findButton(blocks: unknown[], label: string): Button | null {
  for (const b of blocks as Array<{ type?: string; block_id?: string; elements?: Button[] }>) {
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? [])
      if (e.text?.text === label) return { ...e, block_id: b.block_id ?? 'actions' };
  }
  return null;
}

export async function startSlackStandin(opts: StandinOptions = {}): Promise<SlackStandin> {
  return new SlackStandin(opts).start();
}
