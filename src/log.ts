import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs to stderr (stdout belongs to command output); snake_case keys by convention. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** A logger that drops everything, for tests and quiet CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
