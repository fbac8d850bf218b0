import pino from 'pino';
import type { Config } from './config.ts';
import { formatLogLine } from './log-format.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** `json` (one object a line) or `pretty` (short human lines). Default: pretty on a terminal. */
  format?: 'json' | 'pretty' | undefined;
  /** ANSI colours in human lines (only ever on a terminal); NO_COLOR turns them off. */
  color?: boolean;
  /** Where lines go; default stderr (stdout belongs to command output). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Logs to stderr with snake_case keys by convention: JSON for collectors when stderr is not
 * a terminal, a short human line per entry when it is (or when asked with GOVWATCH_LOG_FORMAT).
 */
export function createLogger(level: string = 'info', opts: LoggerOptions = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const pretty = opts.format ? opts.format === 'pretty' : Boolean(stream.isTTY);
  if (!pretty) return pino({ level, base: undefined }, opts.stream ?? pino.destination(2));
  const color = Boolean(stream.isTTY) && opts.color !== false;
  return pino(
    { level, base: undefined },
    {
      write(line: string): void {
        stream.write(`${formatLogLine(line, { color })}\n`);
      },
    },
  );
}

/** The logger a command runs with, as the configuration says (level, format, colour). */
export function configuredLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'color'>,
  level: string = config.logLevel,
): Logger {
  return createLogger(level, { format: config.logFormat, color: config.color });
}

/** A logger that drops everything, for tests and quiet CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
