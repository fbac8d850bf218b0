// ChatSender for Discord over REST. discord.js's REST client keeps the per-route buckets and
// the global limit; this module renders, attaches a nonce per message part (enforce_nonce,
// so a re-send after a crash returns the first message instead of posting again) and maps
// failures onto SendError.
import { createHash } from 'node:crypto';
import type { RateLimitData } from 'discord.js';
import { DiscordAPIError, HTTPError, REST, RateLimitError, Routes } from 'discord.js';
import type { ChatSender, OutboundMessage, SendOptions } from '../../delivery/types.ts';
import { SendError } from '../../delivery/types.ts';
import type { Logger } from '../../log.ts';
import type { Target } from '../../model.ts';
import { createGlobalLimiter } from './global-limit.ts';
import type { MessageJson } from './render.ts';
import { renderAlert, renderDigest, renderImageMessage, renderText } from './render.ts';
import { digestChartImage } from '../../digest/chart.ts';
import { cut } from './escape.ts';

export interface DiscordRestOptions {
  token: string;
  /** REST base ending in /api (DISCORD_API_URL); default Discord's. */
  apiUrl?: string;
  /** Discord's global limit is 50 requests per second per bot. */
  globalRequestsPerSecond?: number;
  /**
   * Extra wait (ms) added to rate-limit resets. Per-route resets are anchored when the
   * response arrives, so the default (discord.js's 50) suffices; the global limit is kept by
   * global-limit.ts, anchored the same way.
   */
  offsetMs?: number;
  /**
   * Rate-limit waits longer than this are not waited out inside the REST client: the send
   * fails with a retryable SendError carrying the wait, and the outbox schedules it.
   */
  maxRateLimitWaitMs?: number;
  timeoutMs?: number;
}

export const DEFAULT_RATE_LIMIT_OFFSET_MS = 50;

export function createDiscordRest(opts: DiscordRestOptions): REST {
  const maxWait = opts.maxRateLimitWaitMs ?? 10_000;
  const rest = new REST({
    ...(opts.apiUrl ? { api: opts.apiUrl.replace(/\/+$/, '') } : {}),
    globalRequestsPerSecond: opts.globalRequestsPerSecond ?? 50,
    offset: opts.offsetMs ?? DEFAULT_RATE_LIMIT_OFFSET_MS,
    timeout: opts.timeoutMs ?? 15_000,
    rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > maxWait,
  });
  return rest.setToken(opts.token);
}

/** Discord nonces are at most 25 characters: a hash of the delivery key and the part index. */
export function nonceFor(idempotencyKey: string, part: number): string {
  return createHash('sha256').update(`${idempotencyKey}\u0000${part}`).digest('base64url').slice(0, 25);
}

export function renderOutbound(message: OutboundMessage): MessageJson[] {
  switch (message.kind) {
    case 'digest':
      return renderDigest(message.digest);
    case 'alert':
      return renderAlert(message.item, message.evidence);
    case 'text':
      return renderText(message.text);
  }
}

/** Map a discord.js REST failure onto SendError (retryable: 429, 5xx, network; not: 4xx). */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof RateLimitError) {
    return new SendError(`Discord rate limit on ${err.route}`, true, err.retryAfter);
  }
  if (err instanceof DiscordAPIError) {
    const retryable = err.status === 429 || err.status >= 500;
    return new SendError(`Discord ${err.status} (${err.code}): ${err.message}`, retryable);
  }
  if (err instanceof HTTPError) {
    const retryable = err.status === 429 || err.status >= 500;
    return new SendError(`Discord HTTP ${err.status}: ${err.message}`, retryable);
  }
  return new SendError(`Discord unreachable: ${err instanceof Error ? err.message : String(err)}`, true);
}

export interface DiscordSender extends ChatSender {
  readonly platform: 'discord';
}

interface PostedMessage {
  id: string;
  author?: { id: string };
  timestamp: string;
  content?: string;
  embeds?: Array<{ title?: string; description?: string; footer?: { text?: string } }>;
}

/** What a reader sees of a message, compared to find a part already posted by an earlier attempt. */
function fingerprint(m: {
  content?: string;
  embeds?: Array<{ title?: string; description?: string; footer?: { text?: string } }>;
}): string {
  const t = (x: string | undefined) => (x ?? '').trim();
  return JSON.stringify([
    t(m.content),
    (m.embeds ?? []).map((e) => [t(e.title), t(e.description), t(e.footer?.text)]),
  ]);
}

/** How far back a re-send looks for parts an earlier attempt posted. */
const HISTORY_WINDOW_MS = 24 * 60 * 60_000;

export interface DiscordSenderDeps {
  rest: REST;
  logger: Logger;
  /**
   * Pace this sender's requests to Discord's global limit itself (see global-limit.ts).
   * Replicas sharing one bot token should split the 50 between them.
   */
  globalRequestsPerSecond?: number;
}

export function createDiscordSender(deps: DiscordSenderDeps): DiscordSender {
  const dmChannels = new Map<string, string>();
  let botId: string | null = null;
  const limiter = createGlobalLimiter({ perSecond: deps.globalRequestsPerSecond ?? 50 });
  const rest = {
    async get(
      route: `/${string}`,
      options?: { query?: URLSearchParams; signal?: AbortSignal | undefined },
    ): Promise<unknown> {
      const done = await limiter.acquire();
      try {
        return await deps.rest.get(route, options);
      } finally {
        done();
      }
    },
    async post(
      route: `/${string}`,
      options: {
        body: unknown;
        files?: Array<{ name: string; data: Buffer }>;
        signal?: AbortSignal | undefined;
      },
    ): Promise<unknown> {
      const done = await limiter.acquire();
      try {
        return await deps.rest.post(route, options);
      } finally {
        done();
      }
    },
  };

  /**
   * Discord remembers a nonce for "a few minutes". A re-send after longer (an outage with
   * backoff) would post parts again, so from the second attempt on the channel's recent
   * history is read first and parts that are already there are not sent again.
   */
  async function postedBefore(
    channelId: string,
    parts: MessageJson[],
    signal: AbortSignal | undefined,
  ): Promise<Array<string | null>> {
    try {
      botId ??= ((await rest.get(Routes.user('@me'), { signal })) as { id: string }).id;
      const recent = (await rest.get(Routes.channelMessages(channelId), {
        query: new URLSearchParams({ limit: '100' }),
        signal,
      })) as PostedMessage[];
      const since = Date.now() - HISTORY_WINDOW_MS;
      const mine = recent.filter((m) => m.author?.id === botId && Date.parse(m.timestamp) >= since);
      const used = new Set<string>();
      return parts.map((p) => {
        const fp = fingerprint(p);
        const hit = mine.find((m) => !used.has(m.id) && fingerprint(m) === fp);
        if (!hit) return null;
        used.add(hit.id);
        return hit.id;
      });
    } catch (err) {
      // Without Read Message History the nonce alone protects the re-send.
      deps.logger.warn(
        { channel_id: channelId, error: String(err) },
        'could not read channel history before a re-send',
      );
      return parts.map(() => null);
    }
  }

  async function channelFor(target: Target, signal: AbortSignal | undefined): Promise<string> {
    if (target.kind === 'channel') return target.channelId;
    const cached = dmChannels.get(target.channelId);
    if (cached) return cached;
    const dm = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: target.channelId },
      signal,
    })) as {
      id: string;
    };
    dmChannels.set(target.channelId, dm.id);
    return dm.id;
  }

  /** A weekly digest's chart as one more part; a chart that cannot be drawn is left out. */
  async function chartPart(message: OutboundMessage): Promise<MessageJson | null> {
    if (message.kind !== 'digest' || !message.digest.chart) return null;
    try {
      const image = await digestChartImage(message.digest.chart, message.digest);
      return renderImageMessage(image, '');
    } catch (err) {
      deps.logger.error({ error: String(err) }, 'digest chart could not be drawn; sending without it');
      return null;
    }
  }

  /** A message with files goes as multipart: payload_json (naming each attachment) and files[n]. */
  function requestOf(part: MessageJson, nonce: string) {
    const { files, ...json } = part;
    const body = { ...json, nonce, enforce_nonce: true };
    if (!files?.length) return { body };
    return {
      body: {
        ...body,
        attachments: files.map((f, id) => ({
          id,
          filename: f.name,
          ...(f.description ? { description: f.description } : {}),
        })),
      },
      files: files.map((f) => ({ name: f.name, data: Buffer.from(f.data) })),
    };
  }

  /**
   * The chart's text instead, when Discord refuses the file (no Attach Files permission in
   * the channel): a sparkline table in a code block, saying why.
   */
  function chartFallback(part: MessageJson, fallback: string, reason: string): MessageJson {
    const table = fallback.replace(/`/g, "'");
    return {
      content: cut(
        `The chart could not be attached here (${reason}; the bot needs the Attach Files permission). As text:\n\`\`\`\n${table}\n\`\`\``,
        2000,
      ),
      allowed_mentions: part.allowed_mentions,
    };
  }

  return {
    platform: 'discord',
    async send(target: Target, message: OutboundMessage, opts: SendOptions): Promise<string[]> {
      const parts = renderOutbound(message);
      const chart = await chartPart(message);
      if (chart) parts.push(chart);
      const ids: string[] = [];
      try {
        const channelId = await channelFor(target, opts.signal);
        const earlier = (opts.attempt ?? 1) > 1 ? await postedBefore(channelId, parts, opts.signal) : [];
        for (const [i, part] of parts.entries()) {
          const found = earlier[i];
          if (found) {
            ids.push(found);
            continue;
          }
          const request = requestOf(part, nonceFor(opts.idempotencyKey, i));
          let res: { id: string };
          try {
            res = (await rest.post(Routes.channelMessages(channelId), {
              ...request,
              signal: opts.signal,
            })) as {
              id: string;
            };
          } catch (err) {
            const se = toSendError(err);
            // The chart is extra: a refused file must not fail (and repeat) the digest.
            if (part !== chart || se.retryable || message.kind !== 'digest' || !message.digest.chart)
              throw err;
            deps.logger.warn(
              { channel_id: channelId, error: se.message },
              'digest chart refused; posting it as text',
            );
            const { sparklineTable } = await import('../../trends/series.ts');
            const text = chartFallback(part, sparklineTable(message.digest.chart), se.message);
            res = (await rest.post(Routes.channelMessages(channelId), {
              ...requestOf(text, nonceFor(opts.idempotencyKey, i)),
              signal: opts.signal,
            })) as { id: string };
          }
          ids.push(res.id);
        }
      } catch (err) {
        const e = toSendError(err);
        deps.logger.debug(
          { channel_id: target.channelId, parts_sent: ids.length, parts: parts.length, error: e.message },
          'discord send failed',
        );
        throw e;
      }
      return ids;
    },
  };
}
