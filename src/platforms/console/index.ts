// The terminal as a chat platform: digests and alerts are printed, so `govwatch start`
// is useful before Discord or Slack are connected.
import type { ChatSender, OutboundMessage } from '../../delivery/types.ts';
import { evidenceTextLines, plainText, renderText } from '../../digest/render.ts';
import type { Target } from '../../model.ts';

export const CONSOLE_TARGET: Target = {
  platform: 'console',
  workspaceId: '',
  kind: 'channel',
  channelId: 'terminal',
};

/** Setting kept once the operator removed the terminal's subscriptions: it gets no default digest again. */
export const TERMINAL_SUBSCRIPTION_REMOVED = 'terminal-subscription-removed';

export function createConsoleSender(
  write: (text: string) => void = (t) => process.stdout.write(t),
  timeZone = 'UTC',
): ChatSender {
  return {
    platform: 'console',
    async send(_target: Target, message: OutboundMessage): Promise<string[]> {
      write(`${render(message, timeZone)}\n`);
      return [];
    },
  };
}

function render(message: OutboundMessage, timeZone: string): string {
  switch (message.kind) {
    case 'digest':
      return renderText(message.digest, { timeZone });
    case 'alert': {
      const item = message.item;
      const tags = [...item.themes, ...item.regions].join(', ');
      return [
        `ALERT [${plainText(item.sourceName)}] ${plainText(item.title)}${tags ? ` (${tags})` : ''}`,
        `  ${item.url ?? ''}`,
        ...evidenceTextLines(message.evidence),
      ].join('\n');
    }
    case 'text':
      return plainText(message.text);
  }
}
