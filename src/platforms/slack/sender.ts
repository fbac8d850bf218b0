// ChatSender for Slack: posts digests, alerts and text with chat.postMessage, paced to Slack's
// "about one message per second per channel", and maps Slack's failures onto SendError so the
// platform-neutral outbox worker decides about retries.
import { webApi } from '@slack/bolt';
import type { ChatSender, OutboundMessage, SendOptions } from '../../delivery/types.ts';
import { SendError } from '../../delivery/types.ts';
import type { Target } from '../../model.ts';
import type { Logger } from '../../log.ts';
import { renderAlert, renderDigest, renderText } from './render.ts';
import type { SlackMessage } from './render.ts';
import type { Digest } from '../../digest/types.ts';
import { digestChartImage } from '../../digest/chart.ts';
import { renderImageFallback, shareImage, uploadProblem } from './files.ts';
import { inert } from './mrkdwn.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackSenderOptions {
  /** Minimum gap between two posts to one channel from this process (Slack: ~1/s). */
  channelIntervalMs?: number;
  /**
   * A 429 after part 1 of a split message has been posted is waited out here (up to this
   * long) rather than thrown, because throwing would make the worker re-post the earlier parts.
   */
  maxInlineWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Slack error codes that retrying cannot fix. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'cannot_dm_bot',
  'user_not_found',
  'ekm_access_denied',
  'team_access_not_granted',
  'too_many_attachments',
  'duplicate_message_not_found',
]);
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Map whatever the WebClient threw to a SendError. Exported for tests. */
export function toSendError(err: unknown): SendError {
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    headers?: Record<string, string | string[] | undefined>;
    data?: { error?: string; response_metadata?: { messages?: string[] } };
    message?: string;
  };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new SendError('slack: rate limited (429)', true, Math.max(0, (e.retryAfter ?? 1) * 1000));
    case webApi.ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      const header = e.headers?.['retry-after'];
      const ra = Number(Array.isArray(header) ? header[0] : header);
      const retryAfterMs = Number.isFinite(ra) && ra >= 0 ? ra * 1000 : null;
      return new SendError(
        `slack: HTTP ${status}`,
        status >= 500 || status === 429 || status === 408,
        retryAfterMs,
      );
    }
    case webApi.ErrorCode.RequestError:
      return new SendError(`slack: request failed (${e.message ?? 'network'})`, true);
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      const detail = e.data?.response_metadata?.messages?.join('; ');
      const msg = `slack: ${code}${detail ? ` (${detail})` : ''}`;
      if (TRANSIENT.has(code)) return new SendError(msg, true);
      if (PERMANENT.has(code)) return new SendError(msg, false);
      // Unknown platform errors are not retried: a retry storm on a misunderstood error helps no one.
      return new SendError(msg, false);
    }
    default:
      if (err instanceof SendError) return err;
      return new SendError(`slack: ${e?.message ?? String(err)}`, true);
  }
}

/**
 * The WebClient used for delivery. Its own retries are switched off (retries: 0) and 429s are
 * rejected instead of slept on (rejectRateLimitedCalls), because the outbox worker already
 * retries with backoff: the default policy (10 retries over ~30 minutes) would hold an outbox
 * claim far past its lease and multiply attempts (worker × client).
 */
export function createDeliveryClient(token: string, apiUrl: string | undefined, logger: Logger): WebClient {
  return new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: slackLoggerFrom(logger),
  });
}

export function renderOutbound(message: OutboundMessage): SlackMessage[] {
  // (A weekly digest's chart is shared after these parts: SlackSender.shareChart.)
  switch (message.kind) {
    case 'digest':
      return renderDigest(message.digest);
    case 'alert':
      return renderAlert(message.item, message.subscriptionId, message.evidence);
    case 'text':
      return renderText(message.text);
  }
}

/** Message ids are `channel:ts`, the pair chat.update and permalinks need. */
export class SlackSender implements ChatSender {
  readonly platform = 'slack' as const;
  private readonly nextSlot = new Map<string, number>();
  /** Parts already posted per idempotency key, so a retry resumes instead of re-posting. */
  private readonly progress = new Map<string, { refs: string[]; at: number }>();
  private readonly interval: number;
  private readonly maxInlineWait: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    opts: SlackSenderOptions = {},
  ) {
    this.interval = opts.channelIntervalMs ?? 1100;
    this.maxInlineWait = opts.maxInlineWaitMs ?? 30_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async send(target: Target, message: OutboundMessage, opts: SendOptions): Promise<string[]> {
    if (target.platform !== 'slack') throw new SendError(`not a Slack target: ${target.platform}`, false);
    const parts = renderOutbound(message);
    // A DM target's channelId is the user id: chat.postMessage posts it to the app's DM.
    const channel = target.channelId;
    let done = this.progress.get(opts.idempotencyKey);
    if (!done) {
      // Slack has no idempotency key. On a resend whose earlier attempt this process does not
      // remember (a crash, another replica), find the parts already posted by their metadata.
      const refs =
        (opts.attempt ?? 1) > 1 ? await this.findPosted(target, opts.idempotencyKey, parts.length) : [];
      done = { refs, at: Date.now() };
    }
    this.progress.set(opts.idempotencyKey, done);
    this.pruneProgress();
    for (let i = done.refs.length; i < parts.length; i++) {
      const part = parts[i] as SlackMessage;
      const ref = await this.postPart(channel, part, {
        key: opts.idempotencyKey,
        part: i + 1,
        parts: parts.length,
        canWaitInline: i > 0,
      });
      done.refs.push(ref);
      done.at = Date.now();
    }
    this.progress.delete(opts.idempotencyKey);
    if (message.kind === 'digest' && message.digest.chart) await this.shareChart(target, message.digest);
    return done.refs;
  }

  /**
   * A weekly digest's chart, after its text: a PNG shared into the conversation, or the
   * sparkline table where Slack refuses the file. Best effort: the digest is delivered either
   * way, so nothing here fails (or repeats) the delivery.
   */
  private async shareChart(target: Target, digest: Digest): Promise<void> {
    const chart = digest.chart;
    if (!chart) return;
    try {
      const image = await digestChartImage(chart, digest);
      let channel = target.channelId;
      if (target.kind === 'user') {
        // Files are shared into a conversation: the app's direct message with the user.
        const opened = await this.client.conversations.open({ users: target.channelId });
        channel = opened.channel?.id ?? channel;
      }
      await this.pace(channel);
      const shared = await shareImage(this.client, channel, image, `*${inert(image.title)}*`, this.logger);
      if (shared.ok) return;
      await this.postPart(channel, renderImageFallback(image, uploadProblem(shared.error)), {
        key: `${digest.title}:chart`,
        part: 1,
        parts: 1,
        canWaitInline: true,
      });
    } catch (err) {
      this.logger.error({ channel_id: target.channelId, err }, 'digest chart not delivered');
    }
  }

  private async postPart(
    channel: string,
    part: SlackMessage,
    meta: { key: string; part: number; parts: number; canWaitInline: boolean },
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      await this.pace(channel);
      try {
        const res = await this.client.chat.postMessage({
          channel,
          text: part.text,
          blocks: part.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
          // Slack keeps this with the message: a later audit (or a crash-recovery check with
          // conversations.history) can tell which delivery and part a message belongs to.
          metadata: {
            event_type: 'govwatch_delivery',
            event_payload: { key: meta.key, part: meta.part, parts: meta.parts },
          },
        });
        return `${res.channel ?? channel}:${res.ts ?? ''}`;
      } catch (err) {
        const se = toSendError(err);
        const wait = se.retryAfterMs ?? 1000;
        if (meta.canWaitInline && se.retryable && attempt < 3 && wait <= this.maxInlineWait) {
          this.logger.warn(
            { channel_id: channel, part: meta.part, retry_after_ms: wait, err: se.message },
            'slack post of a later part failed; waiting before retrying it',
          );
          this.nextSlot.set(channel, Date.now() + wait);
          continue;
        }
        throw se;
      }
    }
  }

  /**
   * The leading parts of this delivery already in the channel, as refs. Needs the history
   * scopes (channels:history, groups:history, im:history); without them (or with another
   * permanent error) the answer is "none found" and the delivery is posted again: at least
   * once rather than lost. A transient error is thrown as retryable instead.
   */
  private async findPosted(target: Target, key: string, parts: number): Promise<string[]> {
    try {
      let channel = target.channelId;
      if (target.kind === 'user') {
        const opened = await this.client.conversations.open({ users: target.channelId });
        channel = opened.channel?.id ?? channel;
      }
      const found = new Map<number, string>();
      let cursor: string | undefined;
      // The parts of one delivery are recent: two pages of 200 messages are plenty.
      for (let page = 0; page < 2; page++) {
        const res = await this.client.conversations.history({
          channel,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
        for (const m of res.messages ?? []) {
          const meta = m.metadata as
            { event_type?: string; event_payload?: { key?: string; part?: number } } | undefined;
          if (meta?.event_type === 'govwatch_delivery' && meta.event_payload?.key === key && m.ts) {
            const part = Number(meta.event_payload.part);
            if (Number.isInteger(part) && part >= 1 && part <= parts) found.set(part, `${channel}:${m.ts}`);
          }
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor || found.size === parts) break;
      }
      // Parts go out in order, so the posted ones are a prefix; resume after the last of it.
      const refs: string[] = [];
      for (let p = 1; found.has(p); p++) refs.push(found.get(p) as string);
      if (refs.length) {
        this.logger.info(
          { channel_id: channel, key, parts_found: refs.length, parts },
          'slack resend: parts already posted',
        );
      }
      return refs;
    } catch (err) {
      const se = toSendError(err);
      // Slack busy or down: try the whole delivery later rather than risk a duplicate now.
      if (se.retryable) throw se;
      this.logger.warn(
        { channel_id: target.channelId, key, err: se.message },
        'slack resend: could not check earlier posts (history scopes?); posting again',
      );
      return [];
    }
  }

  /** Wait until this channel's next slot; slots are reserved before awaiting so callers queue. */
  private async pace(channel: string): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(channel) ?? 0);
    this.nextSlot.set(channel, slot + this.interval);
    if (slot > now) await this.sleep(slot - now);
    if (this.nextSlot.size > 10_000) {
      for (const [k, v] of this.nextSlot) if (v < now) this.nextSlot.delete(k);
    }
  }

  private pruneProgress(): void {
    if (this.progress.size < 1000) return;
    const cutoff = Date.now() - 6 * 3600_000;
    for (const [k, v] of this.progress) if (v.at < cutoff) this.progress.delete(k);
  }
}

/** @slack/logger's interface over pino, so Bolt and the WebClient log through ours. */
export function slackLoggerFrom(logger: Logger): webApi.Logger {
  const child = logger.child({ component: 'slack' });
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  let level = 'info' as webApi.LogLevel;
  return {
    // Bolt's info chatter (connection states) goes to debug; its warnings and errors stay.
    debug: (...m: unknown[]) => child.trace(fmt(m)),
    info: (...m: unknown[]) => child.debug(fmt(m)),
    warn: (...m: unknown[]) => child.warn(fmt(m)),
    error: (...m: unknown[]) => child.error(fmt(m)),
    setLevel: (l: webApi.LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
