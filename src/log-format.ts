// pino's JSON lines as short human lines for a terminal:
//   13:08:02 INFO  govwatch started  owner=host:123 platforms=console
// The time is local wall-clock time (the terminal's reader is here); fields follow the
// message as key=value, strings quoted only when they hold spaces; an error's stack, when
// logged, goes on the lines below.

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[90m' },
  30: { name: 'INFO', color: '\x1b[36m' },
  40: { name: 'WARN', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[41m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
      return value.join(',');
    return JSON.stringify(value);
  }
  return String(value);
}

function clock(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** One pino JSON line as a human line; a line that is not JSON comes back as it was. */
export function formatLogLine(line: string, opts: { color?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.replace(/\n$/, '');
  }
  const { level, time, msg, err, ...fields } = entry;
  const lv = LEVELS[Number(level)] ?? { name: String(level).toUpperCase(), color: '' };
  const paint = (code: string, text: string): string =>
    opts.color && code ? `${code}${text}${RESET}` : text;
  let stack = '';
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { message?: unknown; stack?: unknown };
    fields.err = e.message;
    if (typeof e.stack === 'string') stack = `\n${e.stack.split('\n').slice(1).join('\n')}`;
  } else if (err !== undefined) {
    fields.err = err;
  }
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fieldValue(v)}`)
    .join(' ');
  const head = `${paint(DIM, clock(time))} ${paint(lv.color, lv.name.padEnd(5))} ${String(msg ?? '')}`;
  return `${head}${rest ? `  ${paint(DIM, rest)}` : ''}${stack ? paint(DIM, stack) : ''}`;
}
