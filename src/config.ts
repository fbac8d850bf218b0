// One schema over the environment and flags, parsed once at start and passed down.
// No other module reads process.env.
import { z } from 'zod';
import { UserError } from './model.ts';
import { SHIPPED_SOURCES_FILE } from './paths.ts';

const bool = z
  .string()
  .optional()
  .transform((v) => v === '1' || v?.toLowerCase() === 'true');

const optionalUrl = z.string().url().optional();

const EnvSchema = z.object({
  GOVWATCH_DB: z.string().min(1).default('./data/govwatch.db'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  GOVWATCH_SOURCES: z.string().min(1).default(SHIPPED_SOURCES_FILE),
  GOVWATCH_ALLOW_PRIVATE_URLS: bool,
  GOVWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GOVWATCH_POLL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  GOVWATCH_DIGEST_CRON: z.string().default('0 8 * * *'),
  GOVWATCH_TIMEZONE: z.string().default('UTC'),
  GOVWATCH_NEW_ON_FIRST_POLL: z.coerce.number().int().min(0).default(0),
  GOVWATCH_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  GOVWATCH_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(15 * 1024 * 1024),
  GOVWATCH_REPLICA_ID: z.string().optional(),
  GOVWATCH_SLACK_ADMINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_APP_ID: z.string().min(1).optional(),
  DISCORD_API_URL: optionalUrl,
  DISCORD_GUILD_ID: z.string().optional(),
  /** Discord allows 50 requests/s per bot token; replicas sharing a token split it. */
  DISCORD_GLOBAL_RPS: z.coerce.number().min(1).max(50).default(50),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: optionalUrl,
  SLACK_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
});

export interface Config {
  dbPath: string;
  databaseUrl: string | undefined;
  sourcesPath: string;
  allowPrivateUrls: boolean;
  logLevel: string;
  pollMinutes: number;
  digestCron: string;
  timezone: string;
  newOnFirstPoll: number;
  fetch: { timeoutMs: number; maxBytes: number };
  replicaId: string | undefined;
  discord: {
    token: string;
    appId: string | undefined;
    apiUrl: string | undefined;
    guildId: string | undefined;
    globalRequestsPerSecond: number;
  } | null;
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    admins: string[];
  } | null;
}

export interface ConfigOverrides {
  db?: string;
  sources?: string;
}

/** Parse the environment; every problem is reported at once in one UserError. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new UserError('config', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push(
      '  SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode)',
    );
  }
  if (problems.length) throw new UserError('config', `invalid configuration:\n${problems.join('\n')}`);
  return {
    dbPath: overrides.db ?? e.GOVWATCH_DB,
    databaseUrl: e.DATABASE_URL,
    sourcesPath: overrides.sources ?? e.GOVWATCH_SOURCES,
    allowPrivateUrls: e.GOVWATCH_ALLOW_PRIVATE_URLS,
    logLevel: e.GOVWATCH_LOG_LEVEL,
    pollMinutes: e.GOVWATCH_POLL_MINUTES,
    digestCron: e.GOVWATCH_DIGEST_CRON,
    timezone: e.GOVWATCH_TIMEZONE,
    newOnFirstPoll: e.GOVWATCH_NEW_ON_FIRST_POLL,
    fetch: { timeoutMs: e.GOVWATCH_FETCH_TIMEOUT_MS, maxBytes: e.GOVWATCH_FETCH_MAX_BYTES },
    replicaId: e.GOVWATCH_REPLICA_ID,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          appId: e.DISCORD_APP_ID,
          apiUrl: e.DISCORD_API_URL,
          guildId: e.DISCORD_GUILD_ID,
          globalRequestsPerSecond: e.DISCORD_GLOBAL_RPS,
        }
      : null,
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
