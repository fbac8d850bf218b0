// Pictures into Slack: the external upload flow (files.getUploadURLExternal, POST the bytes,
// files.completeUploadExternal with channel_id), which WebClient.filesUploadV2 runs; the old
// files.upload is retired. Where Slack will not take the file (no files:write scope, the bot
// not in the channel, uploads disabled), callers show the picture's text fallback instead.
import type { App } from '@slack/bolt';
import type { ReplyImage } from '../../chat/types.ts';
import type { Logger } from '../../log.ts';
import { escapeControl, inert } from './mrkdwn.ts';
import { LIMITS, type SlackMessage } from './render.ts';

type WebClient = App['client'];

export type ShareResult = { ok: true } | { ok: false; error: string };

/** Upload `image` and share it into `channelId` with `comment` as its message. */
export async function shareImage(
  client: WebClient,
  channelId: string,
  image: ReplyImage,
  comment: string,
  logger: Logger,
): Promise<ShareResult> {
  try {
    await client.filesUploadV2({
      channel_id: channelId,
      file: Buffer.from(image.png),
      filename: image.filename,
      title: image.title,
      alt_text: image.altText.slice(0, 1000),
      initial_comment: comment,
    });
    return { ok: true };
  } catch (err) {
    // A platform error carries Slack's code (missing_scope, not_in_channel, …); anything else
    // (network, a failed POST to the upload URL) is reported by its message.
    const code = (err as { data?: { error?: string } }).data?.error;
    logger.warn({ err, channel_id: channelId, slack_error: code ?? null }, 'slack file upload failed');
    return { ok: false, error: code ?? (err as Error).message };
  }
}

/** Why the picture is not there, in words a channel member can act on. */
export function uploadProblem(error: string): string {
  if (error === 'missing_scope')
    return 'The chart could not be posted as an image: this Slack app lacks the files:write scope (a workspace admin can add it and reinstall the app). Here it is as text.';
  if (error === 'not_in_channel' || error === 'channel_not_found')
    return 'The chart could not be posted as an image: the bot is not a member of this conversation (invite it with /invite @govwatch). Here it is as text.';
  return `The chart could not be posted as an image (Slack said: ${error}). Here it is as text.`;
}

/** The picture's text fallback (a sparkline table) in a code block, with the reason above it. */
export function renderImageFallback(image: ReplyImage, problem: string): SlackMessage {
  const table = cut(escapeControl(image.fallback.replace(/```/g, "'''")), LIMITS.sectionText - 8);
  return {
    text: inert(image.title).slice(0, 150),
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: inert(problem), verbatim: true }] },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${table}\`\`\``, verbatim: true } },
    ],
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
