// Log lines: JSON for collectors when stderr is not a terminal, short human lines when it is.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../src/log-format.ts';
import { createLogger } from '../src/log.ts';

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => chunks.join('') };
}

const flush = () => new Promise((r) => setTimeout(r, 20));

describe('createLogger', () => {
  it('writes human lines on a terminal and JSON elsewhere, unless the format is given', async () => {
    const tty = sink(true);
    createLogger('info', { stream: tty.stream, color: false }).info(
      { feed_id: 'eff', added: 3 },
      'feed polled',
    );
    const pipe = sink(false);
    createLogger('info', { stream: pipe.stream }).info({ feed_id: 'eff' }, 'feed polled');
    const forced = sink(true);
    createLogger('info', { stream: forced.stream, format: 'json' }).warn('as JSON');
    await flush();
    expect(tty.text()).toMatch(/^\d\d:\d\d:\d\d INFO {2}feed polled {2}feed_id=eff added=3\n$/);
    expect(JSON.parse(pipe.text())).toMatchObject({ level: 30, msg: 'feed polled', feed_id: 'eff' });
    expect(JSON.parse(forced.text())).toMatchObject({ level: 40, msg: 'as JSON' });
  });
});

describe('formatLogLine', () => {
  const at = new Date(2026, 11, 5, 9, 4, 7).getTime();
  it.each([
    [
      { level: 40, time: at, msg: 'feed failed', feed_id: 'x', err: 'HTTP 503' },
      '09:04:07 WARN  feed failed  feed_id=x err="HTTP 503"',
    ],
    [
      { level: 30, time: at, msg: 'govwatch started', platforms: ['console', 'discord'] },
      '09:04:07 INFO  govwatch started  platforms=console,discord',
    ],
    [
      {
        level: 50,
        time: at,
        msg: 'boom',
        err: { message: 'bad thing', stack: 'Error: bad thing\n    at f (x.js:1:1)' },
      },
      '09:04:07 ERROR boom  err="bad thing"\n    at f (x.js:1:1)',
    ],
    [{ level: 30, time: at, msg: 'nested', counts: { a: 1 } }, '09:04:07 INFO  nested  counts={"a":1}'],
  ])('%j', (entry, line) => {
    expect(formatLogLine(JSON.stringify(entry))).toBe(line);
  });

  it('colours the level on a terminal that wants colours, and passes through what is not JSON', () => {
    expect(formatLogLine(JSON.stringify({ level: 40, time: at, msg: 'm' }), { color: true })).toContain(
      '\x1b[33mWARN',
    );
    expect(formatLogLine('plain text\n')).toBe('plain text');
  });
});
