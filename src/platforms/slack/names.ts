// Slack slash-command names. A workspace shares one namespace of slash commands with Slack's
// built-ins (`/search`, `/feed`, …) and every other app, so govwatch's commands carry a
// `govwatch-` prefix (`/govwatch-search`), plus one umbrella `/govwatch <command> …`.

export const SLACK_PREFIX = 'govwatch';

/** The commands declared in slack-manifest.yaml (besides the umbrella `/govwatch`). */
export const MANIFEST_COMMANDS = [
  'search',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'digest',
  'feeds',
  'themes',
  'track',
  'untrack',
  'tracked',
  'deadlines',
  'why',
  'evidence',
  'country',
  'trends',
] as const;

/** `/govwatch-search` for the platform-neutral command `search`. */
export function slashFor(commandName: string): string {
  return `/${SLACK_PREFIX}-${commandName}`;
}

/**
 * The platform-neutral command name for a Slack slash command, or `null` for the umbrella
 * `/govwatch`. Unprefixed names (`/search`) are accepted too, for workspaces that chose them.
 */
export function commandNameFromSlash(slash: string): string | null {
  const bare = slash.replace(/^\//, '').toLowerCase();
  if (bare === SLACK_PREFIX) return null;
  return bare.startsWith(`${SLACK_PREFIX}-`) ? bare.slice(SLACK_PREFIX.length + 1) : bare;
}

/** Rewrite a platform-neutral hint such as `/search theme:x` into its Slack spelling. */
export function slackifyCommandHint(hint: string): string {
  return hint.replace(/^\/([a-z][a-z-]*)/, (_m, name: string) =>
    name.startsWith(`${SLACK_PREFIX}`) ? `/${name}` : slashFor(name),
  );
}

/**
 * Replace mentions of platform-neutral commands in our own texts (`/unsubscribe id:3`, help
 * texts) with their Slack names (`/govwatch-unsubscribe id:3`).
 */
export function slackifyCommandMentions(text: string, names: ReadonlySet<string>): string {
  return text.replace(/(^|[\s(`"'])\/([a-z][a-z-]*)\b/g, (m, lead: string, name: string) =>
    names.has(name) ? `${lead}${slashFor(name)}` : m,
  );
}
