// The terminal as a chat platform: digests and alerts are printed, so `govwatch start`
// is useful before Discord or Slack are connected.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChatSender, OutboundMessage } from '../../delivery/types.ts';
import { digestChartImage } from '../../digest/chart.ts';
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

/**
 * `chartDir`: where a weekly digest's chart PNG is written (a line says where); without it the
 * chart is printed as a sparkline table.
 */
export function createConsoleSender(
  write: (text: string) => void = (t) => process.stdout.write(t),
  timeZone = 'UTC',
  chartDir?: string,
): ChatSender {
  return {
    platform: 'console',
    async send(_target: Target, message: OutboundMessage): Promise<string[]> {
      write(`${render(message, timeZone)}\n`);
      if (message.kind === 'digest' && message.digest.chart) {
        const { digest } = message;
        const chart = digest.chart!;
        let line: string;
        try {
          if (!chartDir) throw new Error('no chart folder');
          const image = await digestChartImage(chart, digest);
          mkdirSync(chartDir, { recursive: true });
          const file = resolve(join(chartDir, image.filename));
          writeFileSync(file, image.png);
          line = `Chart of the week's themes against the 8 weeks before: ${file}`;
        } catch {
          const { sparklineTable } = await import('../../trends/series.ts');
          line = sparklineTable(chart);
        }
        write(`${line}\n`);
      }
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
