// Every configuration mistake is caught by loadConfig, before anything is opened: one line
// per problem naming its variable, all problems at once; empty variables count as unset.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { UserError } from '../src/model.ts';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error('expected loadConfig to refuse the configuration');
}

describe('loadConfig', () => {
  it.each([
    [
      { GOVWATCH_DIGEST_CRON: 'every day' },
      'invalid configuration: GOVWATCH_DIGEST_CRON: cron expression "every day" must have 5 fields (minute hour day month weekday), e.g. "0 8 * * *"',
    ],
    [
      { GOVWATCH_DIGEST_CRON: '0 25 * * *' },
      'invalid configuration: GOVWATCH_DIGEST_CRON: cron expression "0 25 * * *": hour: "25" is outside 0-23',
    ],
    [
      // node-cron's optional seconds field is not a digest schedule.
      { GOVWATCH_DIGEST_CRON: '0 0 8 * * *' },
      /^invalid configuration: GOVWATCH_DIGEST_CRON: .*must have 5 fields/,
    ],
    [
      { GOVWATCH_TIMEZONE: 'Mars/Olympus' },
      'invalid configuration: GOVWATCH_TIMEZONE: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Berlin)',
    ],
    [
      { DISCORD_TOKEN: 'abc' },
      'invalid configuration: DISCORD_TOKEN is set but DISCORD_APP_ID is not (the application id, from the Developer Portal)',
    ],
    [
      { GOVWATCH_POLL_MINUTES: 'often' },
      'invalid configuration: GOVWATCH_POLL_MINUTES: must be a whole number between 1 and 1440',
    ],
    [
      { GOVWATCH_POLL_MINUTES: '0' },
      'invalid configuration: GOVWATCH_POLL_MINUTES: must be between 1 and 1440',
    ],
    [{ GOVWATCH_LOG_LEVEL: 'loud' }, /GOVWATCH_LOG_LEVEL: must be one of fatal, error, warn, info/],
    [
      { GOVWATCH_SHUTDOWN_TIMEOUT_MS: '10s' },
      'invalid configuration: GOVWATCH_SHUTDOWN_TIMEOUT_MS: must be a whole number between 100 and 600000',
    ],
    [
      { GOVWATCH_SHUTDOWN_TIMEOUT_MS: '0' },
      'invalid configuration: GOVWATCH_SHUTDOWN_TIMEOUT_MS: must be between 100 and 600000',
    ],
    [
      { DATABASE_URL: 'mysql://x' },
      'invalid configuration: DATABASE_URL: must start with postgres:// or postgresql://',
    ],
    [{ DISCORD_API_URL: 'nope' }, /^invalid configuration: DISCORD_API_URL: must be a URL/],
    [{ GOVWATCH_TRACKERS: 'yes' }, 'invalid configuration: GOVWATCH_TRACKERS: must be on or off'],
    [
      { GOVWATCH_REMINDER_DAYS: '7,soon' },
      'invalid configuration: GOVWATCH_REMINDER_DAYS: must be whole days between 0 and 365, comma-separated, like 7,1',
    ],
    [
      { GOVWATCH_UNTC_URL: 'treaties.un.org' },
      /^invalid configuration: GOVWATCH_UNTC_URL: must be an http\(s\) base URL/,
    ],
  ])('refuses %j in one line naming the variable', (env, message) => {
    const text = problem(env);
    expect(text.split('\n')).toHaveLength(1);
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });

  it('reports every problem at once, one line each', () => {
    const text = problem({ GOVWATCH_DIGEST_CRON: 'every day', GOVWATCH_TIMEZONE: 'Mars/Olympus' });
    expect(text.split('\n')).toEqual([
      'invalid configuration (2 problems):',
      expect.stringMatching(/^ {2}GOVWATCH_DIGEST_CRON: /),
      expect.stringMatching(/^ {2}GOVWATCH_TIMEZONE: unknown time zone "Mars\/Olympus"/),
    ]);
  });

  it('treats empty variables as unset, as .env files mean them', () => {
    const config = loadConfig({
      DISCORD_TOKEN: '',
      DISCORD_APP_ID: '',
      SLACK_BOT_TOKEN: '  ',
      DATABASE_URL: '',
      GOVWATCH_DIGEST_CRON: '',
      GOVWATCH_TIMEZONE: '',
      GOVWATCH_POLL_MINUTES: '',
      GOVWATCH_DB: '',
    });
    expect(config).toMatchObject({
      discord: null,
      slack: null,
      databaseUrl: undefined,
      digestCron: '0 8 * * *',
      timezone: 'UTC',
      pollMinutes: 15,
      dbPath: './data/govwatch.db',
    });
  });

  it('accepts valid schedules and zones, spelling the zone as the runtime does', () => {
    const config = loadConfig({
      GOVWATCH_DIGEST_CRON: '30 7 * * mon-fri',
      GOVWATCH_TIMEZONE: 'europe/berlin',
      DISCORD_TOKEN: 't',
      DISCORD_APP_ID: '1',
      NO_COLOR: '1',
    });
    expect(config).toMatchObject({ digestCron: '30 7 * * mon-fri', timezone: 'Europe/Berlin', color: false });
    expect(config.discord).toMatchObject({ token: 't', appId: '1' });
  });
});

describe('tracker settings', () => {
  it('are on by default with the public sources, and off with GOVWATCH_TRACKERS=off', () => {
    const on = loadConfig({});
    expect(on.trackers).toMatchObject({
      urls: { datatracker: 'https://datatracker.ietf.org', untc: 'https://treaties.un.org' },
      reminderDays: [7, 1],
      intervalMs: 360 * 60_000,
    });
    expect(loadConfig({ GOVWATCH_REMINDER_DAYS: '1, 14,3' }).trackers?.reminderDays).toEqual([14, 3, 1]);
    expect(loadConfig({ GOVWATCH_TRACKERS: 'off' }).trackers).toBeNull();
  });
});

describe('evidence settings', () => {
  it('are off by default with the public APIs, on with GOVWATCH_EVIDENCE=on, Radar only with a token', () => {
    expect(loadConfig({}).evidence).toEqual({
      attach: false,
      hourlyBudget: 60,
      ooniUrl: 'https://api.ooni.io',
      iodaUrl: 'https://api.ioda.inetintel.cc.gatech.edu',
      radarUrl: 'https://api.cloudflare.com',
      cloudflareToken: undefined,
    });
    expect(
      loadConfig({
        GOVWATCH_EVIDENCE: 'on',
        GOVWATCH_EVIDENCE_HOURLY_BUDGET: '10',
        GOVWATCH_OONI_API_URL: 'http://127.0.0.1:9000',
        GOVWATCH_CLOUDFLARE_TOKEN: 't',
      }).evidence,
    ).toMatchObject({
      attach: true,
      hourlyBudget: 10,
      ooniUrl: 'http://127.0.0.1:9000',
      cloudflareToken: 't',
    });
  });

  it('names each wrong evidence variable', () => {
    const text = problem({
      GOVWATCH_EVIDENCE: 'maybe',
      GOVWATCH_EVIDENCE_HOURLY_BUDGET: '0',
      GOVWATCH_IODA_API_URL: 'not a url',
    });
    expect(text).toMatch(/GOVWATCH_EVIDENCE: must be on or off/);
    expect(text).toMatch(/GOVWATCH_EVIDENCE_HOURLY_BUDGET: must be between 1 and 100000/);
    expect(text).toMatch(/GOVWATCH_IODA_API_URL: must be a URL/);
  });
});
