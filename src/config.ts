// One schema over the environment and flags, parsed once at start and passed down.
// No other module reads process.env.
//
// Every mistake is caught here, before anything is opened, each as one line naming its
// variable, all of them at once. zod/mini (the tree-shakable build of zod) keeps the
// command line's start-up fast; its default messages are terse, so each rule says its own.
import * as z from 'zod/mini';
import { UserError } from './model.ts';
import { SHIPPED_EVENTS_FILE, SHIPPED_SOURCES_FILE } from './paths.ts';
import { assertTimeZone, parseCron } from './schedule/cron.ts';

const bool = z.pipe(
  z.optional(z.string()),
  z.transform((v) => v === '1' || v?.toLowerCase() === 'true'),
);

const optionalUrl = z.optional(z.url({ error: 'must be a URL such as http://127.0.0.1:8080' }));

/** A whole number in [min, max], given as text; `fallback` when unset. */
function wholeNumber(min: number, max: number, fallback: number) {
  const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
  return z._default(
    z.coerce
      .number({ error: `must be a whole number ${range}` })
      .check(
        z.int({ error: `must be a whole number ${range}` }),
        z.gte(min, { error: `must be ${range}` }),
        z.lte(max, { error: `must be ${range}` }),
      ),
    fallback,
  );
}

/** A string that `check` accepts; its UserError message becomes the issue. */
function checked(check: (value: string) => void) {
  return z.string().check(
    z.superRefine((value, ctx) => {
      try {
        check(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
      }
    }),
  );
}

const text = z.string();

/** A base URL for a tracker's source (http or https, no trailing slash needed). */
const httpBase = z
  .string()
  .check(
    z.regex(/^https?:\/\/[^\s/]+/, { error: 'must be an http(s) base URL such as http://127.0.0.1:8080' }),
  );

/**
 * An IANA zone as the runtime spells it (europe/berlin → Europe/Berlin); throws for an
 * unknown one. The list lookup spares the ~20 ms the first Intl.DateTimeFormat costs (ICU
 * loading) on every command; only aliases missing from the list need the formatter.
 */
function canonicalZone(tz: string): string {
  if (/^(etc\/)?(utc|gmt)$/i.test(tz)) return 'UTC';
  const known = Intl.supportedValuesOf('timeZone').find((zone) => zone.toLowerCase() === tz.toLowerCase());
  if (known) return known;
  assertTimeZone(tz);
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

const EnvSchema = z.object({
  GOVWATCH_DB: z._default(text, './data/govwatch.db'),
  DATABASE_URL: z.optional(
    text.check(z.regex(/^postgres(ql)?:\/\//, { error: 'must start with postgres:// or postgresql://' })),
  ),
  GOVWATCH_SOURCES: z._default(text, SHIPPED_SOURCES_FILE),
  GOVWATCH_ALLOW_PRIVATE_URLS: bool,
  GOVWATCH_LOG_LEVEL: z._default(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    'info',
  ),
  /** Log lines: `json`, or `pretty` (short human lines); default pretty on a terminal. */
  GOVWATCH_LOG_FORMAT: z.optional(z.enum(['json', 'pretty'], { error: 'must be json or pretty' })),
  GOVWATCH_POLL_MINUTES: wholeNumber(1, 1440, 15),
  GOVWATCH_DIGEST_CRON: z._default(
    checked((v) => parseCron(v)),
    '0 8 * * *',
  ),
  GOVWATCH_TIMEZONE: z._default(
    z.pipe(
      text,
      z.transform((value, ctx) => {
        try {
          return canonicalZone(value);
        } catch (err) {
          ctx.issues.push({ code: 'custom', message: (err as Error).message, input: value });
          return z.NEVER;
        }
      }),
    ),
    'UTC',
  ),
  GOVWATCH_NEW_ON_FIRST_POLL: wholeNumber(0, Infinity, 0),
  GOVWATCH_FETCH_TIMEOUT_MS: wholeNumber(100, Infinity, 20_000),
  GOVWATCH_FETCH_MAX_BYTES: wholeNumber(1024, Infinity, 15 * 1024 * 1024),
  GOVWATCH_FEED_FAILURE_NOTICE_AFTER: wholeNumber(1, 1000, 3),
  GOVWATCH_REPLICA_ID: z.optional(text),
  /** `start`: how long a SIGTERM/SIGINT shutdown may take before the process gives up on it. */
  GOVWATCH_SHUTDOWN_TIMEOUT_MS: wholeNumber(100, 600_000, 10_000),
  /** Trackers (docs/trackers.md): drafts, treaties, consultations, meetings. */
  GOVWATCH_TRACKERS: z._default(z.enum(['on', 'off'], { error: 'must be on or off' }), 'on'),
  GOVWATCH_DATATRACKER_API_URL: z._default(httpBase, 'https://datatracker.ietf.org'),
  GOVWATCH_UNTC_URL: z._default(httpBase, 'https://treaties.un.org'),
  GOVWATCH_ICANN_URL: z._default(httpBase, 'https://www.icann.org'),
  GOVWATCH_EU_HAVEYOURSAY_URL: z._default(httpBase, 'https://ec.europa.eu/info/law/better-regulation'),
  GOVWATCH_EVENTS: z._default(text, SHIPPED_EVENTS_FILE),
  GOVWATCH_TRACKER_POLL_MINUTES: wholeNumber(15, 10_080, 360),
  GOVWATCH_CONSULTATION_KEYWORDS: z.pipe(
    z.optional(text),
    z.transform((v) =>
      v
        ? [
            ...new Set(
              v
                .split(',')
                .map((s) => s.trim().toLowerCase())
                .filter(Boolean),
            ),
          ]
        : [],
    ),
  ),
  GOVWATCH_REMINDER_DAYS: z._default(
    z.pipe(
      text,
      z.transform((value, ctx) => {
        const days = value.split(',').map((d) => Number(d.trim()));
        if (days.some((d) => !Number.isInteger(d) || d < 0 || d > 365)) {
          ctx.issues.push({
            code: 'custom',
            message: 'must be whole days between 0 and 365, comma-separated, like 7,1',
            input: value,
          });
          return z.NEVER;
        }
        return [...new Set(days)].sort((a, b) => b - a);
      }),
    ),
    [7, 1],
  ),
  /** The HTTP server (health, metrics, feeds) is off unless a port is given; 0 picks one. */
  GOVWATCH_HTTP_PORT: z.optional(
    z.coerce
      .number({ error: 'must be a whole number between 0 and 65535' })
      .check(
        z.int({ error: 'must be a whole number between 0 and 65535' }),
        z.gte(0, { error: 'must be between 0 and 65535' }),
        z.lte(65535, { error: 'must be between 0 and 65535' }),
      ),
  ),
  GOVWATCH_HTTP_HOST: z._default(text, '127.0.0.1'),
  /** The address readers use to reach the HTTP server (links in feeds, /subscribe mode:feed). */
  GOVWATCH_PUBLIC_URL: optionalUrl,
  GOVWATCH_SLACK_ADMINS: z.pipe(
    z.optional(text),
    z.transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  ),
  DISCORD_TOKEN: z.optional(text),
  DISCORD_APP_ID: z.optional(text),
  DISCORD_API_URL: optionalUrl,
  DISCORD_GUILD_ID: z.optional(text),
  /** Discord allows 50 requests/s per bot token; replicas sharing a token split it. */
  DISCORD_GLOBAL_RPS: z._default(
    z.coerce
      .number({ error: 'must be a number between 1 and 50' })
      .check(
        z.gte(1, { error: 'must be between 1 and 50' }),
        z.lte(50, { error: 'must be between 1 and 50' }),
      ),
    50,
  ),
  SLACK_BOT_TOKEN: z.optional(text),
  SLACK_SIGNING_SECRET: z.optional(text),
  SLACK_APP_TOKEN: z.optional(text),
  SLACK_API_URL: optionalUrl,
  SLACK_PORT: wholeNumber(0, 65535, 3000),
  /** Evidence beside shutdown and censorship stories (docs/evidence.md): off unless `on`. */
  GOVWATCH_EVIDENCE: z._default(
    z.enum(['on', 'off', '1', '0', 'true', 'false'], { error: 'must be on or off' }),
    'off',
  ),
  GOVWATCH_EVIDENCE_HOURLY_BUDGET: wholeNumber(1, 100_000, 60),
  GOVWATCH_OONI_API_URL: optionalUrl,
  GOVWATCH_IODA_API_URL: optionalUrl,
  GOVWATCH_RADAR_API_URL: optionalUrl,
  GOVWATCH_CLOUDFLARE_TOKEN: z.optional(text),
  /** https://no-color.org: any value turns colours off. */
  NO_COLOR: z.optional(text),
});

export interface Config {
  dbPath: string;
  databaseUrl: string | undefined;
  sourcesPath: string;
  allowPrivateUrls: boolean;
  logLevel: string;
  /** Undefined: human lines when stderr is a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** Colours on a terminal (false when NO_COLOR is set). */
  color: boolean;
  pollMinutes: number;
  digestCron: string;
  timezone: string;
  newOnFirstPoll: number;
  fetch: { timeoutMs: number; maxBytes: number };
  /** Failures in a row after which a chat-added feed's channel is told (once per spell). */
  feedFailureNoticeAfter: number;
  replicaId: string | undefined;
  /** `start`: after SIGTERM/SIGINT, exit non-zero once this has passed, whatever is pending. */
  shutdownTimeoutMs: number;
  /** Trackers: null when GOVWATCH_TRACKERS=off. */
  trackers: {
    urls: { datatracker: string; untc: string; icann: string; eu: string };
    eventsPath: string;
    intervalMs: number;
    /** Default reminder days for a new follow, largest first (GOVWATCH_REMINDER_DAYS). */
    reminderDays: number[];
    /** Open consultations (ICANN, Have your say) matching these are added; empty: none. */
    consultationKeywords: string[];
  } | null;
  /** null: no HTTP server. publicUrl has no trailing slash. */
  http: { port: number; host: string; publicUrl: string | undefined } | null;
  discord: {
    token: string;
    /** Required with the token (loadConfig refuses a token alone). */
    appId: string;
    apiUrl: string | undefined;
    guildId: string | undefined;
    globalRequestsPerSecond: number;
  } | null;
  /** Measurements beside stories (src/evidence/). */
  evidence: EvidenceConfig;
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    admins: string[];
  } | null;
}

export interface EvidenceConfig {
  /**
   * GOVWATCH_EVIDENCE=on: fetch evidence for new shutdown/censorship stories in the background
   * and show it under them in alerts and digests. The explicit commands (CLI `evidence`, chat
   * `/evidence`, `/country`) query the sources whatever this says.
   */
  attach: boolean;
  /** HTTP requests to the evidence APIs per hour, all sources together. */
  hourlyBudget: number;
  ooniUrl: string;
  iodaUrl: string;
  radarUrl: string;
  /** Cloudflare Radar is used only with a token. */
  cloudflareToken: string | undefined;
}

export const EVIDENCE_DEFAULT_URLS = {
  ooni: 'https://api.ooni.io',
  ioda: 'https://api.ioda.inetintel.cc.gatech.edu',
  radar: 'https://api.cloudflare.com',
} as const;

export interface ConfigOverrides {
  db?: string;
  sources?: string;
}

/**
 * The environment as a `.env` user means it: a variable set to nothing (`DISCORD_TOKEN=`)
 * or to blanks is unset, so its default applies and it turns nothing on.
 */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== '') out[key] = value;
  return out;
}

function fail(problems: string[]): never {
  throw new UserError(
    'config',
    problems.length === 1
      ? `invalid configuration: ${problems[0]}`
      : `invalid configuration (${problems.length} problems):\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
}

/** Parse the environment; every problem is reported at once in one UserError. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode)',
    );
  }
  if (e.DISCORD_TOKEN && !e.DISCORD_APP_ID) {
    problems.push(
      'DISCORD_TOKEN is set but DISCORD_APP_ID is not (the application id, from the Developer Portal)',
    );
  }
  if (problems.length) fail(problems);
  return {
    dbPath: overrides.db || e.GOVWATCH_DB,
    databaseUrl: e.DATABASE_URL,
    sourcesPath: overrides.sources || e.GOVWATCH_SOURCES,
    allowPrivateUrls: e.GOVWATCH_ALLOW_PRIVATE_URLS,
    logLevel: e.GOVWATCH_LOG_LEVEL,
    logFormat: e.GOVWATCH_LOG_FORMAT,
    color: !e.NO_COLOR,
    pollMinutes: e.GOVWATCH_POLL_MINUTES,
    digestCron: e.GOVWATCH_DIGEST_CRON.trim(),
    timezone: e.GOVWATCH_TIMEZONE,
    newOnFirstPoll: e.GOVWATCH_NEW_ON_FIRST_POLL,
    fetch: { timeoutMs: e.GOVWATCH_FETCH_TIMEOUT_MS, maxBytes: e.GOVWATCH_FETCH_MAX_BYTES },
    feedFailureNoticeAfter: e.GOVWATCH_FEED_FAILURE_NOTICE_AFTER,
    replicaId: e.GOVWATCH_REPLICA_ID,
    shutdownTimeoutMs: e.GOVWATCH_SHUTDOWN_TIMEOUT_MS,
    trackers:
      e.GOVWATCH_TRACKERS === 'on'
        ? {
            urls: {
              datatracker: e.GOVWATCH_DATATRACKER_API_URL,
              untc: e.GOVWATCH_UNTC_URL,
              icann: e.GOVWATCH_ICANN_URL,
              eu: e.GOVWATCH_EU_HAVEYOURSAY_URL,
            },
            eventsPath: e.GOVWATCH_EVENTS,
            intervalMs: e.GOVWATCH_TRACKER_POLL_MINUTES * 60_000,
            reminderDays: e.GOVWATCH_REMINDER_DAYS,
            consultationKeywords: e.GOVWATCH_CONSULTATION_KEYWORDS,
          }
        : null,
    http:
      e.GOVWATCH_HTTP_PORT === undefined
        ? null
        : {
            port: e.GOVWATCH_HTTP_PORT,
            host: e.GOVWATCH_HTTP_HOST,
            publicUrl: e.GOVWATCH_PUBLIC_URL?.replace(/\/+$/, ''),
          },
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          appId: e.DISCORD_APP_ID!,
          apiUrl: e.DISCORD_API_URL,
          guildId: e.DISCORD_GUILD_ID,
          globalRequestsPerSecond: e.DISCORD_GLOBAL_RPS,
        }
      : null,
    evidence: {
      attach: ['on', '1', 'true'].includes(e.GOVWATCH_EVIDENCE),
      hourlyBudget: e.GOVWATCH_EVIDENCE_HOURLY_BUDGET,
      ooniUrl: e.GOVWATCH_OONI_API_URL ?? EVIDENCE_DEFAULT_URLS.ooni,
      iodaUrl: e.GOVWATCH_IODA_API_URL ?? EVIDENCE_DEFAULT_URLS.ioda,
      radarUrl: e.GOVWATCH_RADAR_API_URL ?? EVIDENCE_DEFAULT_URLS.radar,
      cloudflareToken: e.GOVWATCH_CLOUDFLARE_TOKEN,
    },
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          port: e.SLACK_PORT,
          admins: e.GOVWATCH_SLACK_ADMINS,
        }
      : null,
  };
}
