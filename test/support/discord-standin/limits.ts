// Discord's documented message limits, checked the way Discord reports them: HTTP 400 with
// code 50035 "Invalid Form Body" and an `errors` tree pointing at the offending field.
// https://discord.com/developers/docs/resources/message#create-message
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits

export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  components: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  nonce: 25,
} as const;

export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

type ErrorTree = Record<string, unknown>;

function put(tree: ErrorTree, path: string[], code: string, message: string): void {
  let node = tree;
  for (const key of path) {
    node[key] ??= {};
    node = node[key] as ErrorTree;
  }
  const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
  list.push({ code, message });
}

function maxLen(tree: ErrorTree, path: string[], value: unknown, max: number): number {
  if (typeof value !== 'string') return 0;
  if (value.length > max) put(tree, path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return value.length;
}

interface EmbedLike {
  title?: string;
  description?: string;
  url?: string;
  fields?: Array<{ name?: string; value?: string }>;
  footer?: { text?: string };
  author?: { name?: string };
}

/** Validate a message body (create, edit, interaction reply); null when it is acceptable. */
export function validateMessage(
  body: Record<string, unknown>,
  opts: { requireContent: boolean },
): DiscordErrorBody | null {
  const errors: ErrorTree = {};
  maxLen(errors, ['content'], body.content, LIMITS.content);
  const embeds = Array.isArray(body.embeds) ? (body.embeds as EmbedLike[]) : [];
  if (embeds.length > LIMITS.embeds) {
    put(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.embeds} or fewer in length.`);
  }
  let total = 0;
  embeds.forEach((e, i) => {
    const at = ['embeds', String(i)];
    total += maxLen(errors, [...at, 'title'], e.title, LIMITS.title);
    total += maxLen(errors, [...at, 'description'], e.description, LIMITS.description);
    total += maxLen(errors, [...at, 'footer', 'text'], e.footer?.text, LIMITS.footer);
    total += maxLen(errors, [...at, 'author', 'name'], e.author?.name, LIMITS.author);
    if (e.url !== undefined && !/^https?:\/\//.test(e.url)) {
      put(errors, [...at, 'url'], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    }
    const fields = e.fields ?? [];
    if (fields.length > LIMITS.fields) {
      put(errors, [...at, 'fields'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.fields} or fewer in length.`);
    }
    fields.forEach((f, j) => {
      total += maxLen(errors, [...at, 'fields', String(j), 'name'], f.name, LIMITS.fieldName);
      total += maxLen(errors, [...at, 'fields', String(j), 'value'], f.value, LIMITS.fieldValue);
    });
  });
  if (total > LIMITS.embedTotal) {
    put(
      errors,
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
    );
  }
  if (typeof body.nonce === 'string' && body.nonce.length > LIMITS.nonce) {
    put(errors, ['nonce'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.nonce} or fewer in length.`);
  }
  const rows = Array.isArray(body.components) ? (body.components as Array<{ components?: unknown[] }>) : [];
  if (rows.length > LIMITS.components) {
    put(errors, ['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.components} or fewer in length.`);
  }
  rows.forEach((row, i) => {
    const items = (row.components ?? []) as Array<{ custom_id?: string; label?: string }>;
    if (items.length > LIMITS.buttonsPerRow) {
      put(
        errors,
        ['components', String(i), 'components'],
        'BASE_TYPE_MAX_LENGTH',
        'Must be 5 or fewer in length.',
      );
    }
    items.forEach((c, j) => {
      const at = ['components', String(i), 'components', String(j)];
      maxLen(errors, [...at, 'custom_id'], c.custom_id, LIMITS.customId);
      maxLen(errors, [...at, 'label'], c.label, LIMITS.buttonLabel);
    });
  });
  if (Object.keys(errors).length > 0) return { code: 50035, message: 'Invalid Form Body', errors };
  const empty = !body.content && embeds.length === 0 && rows.length === 0;
  if (opts.requireContent && empty) return { code: 50006, message: 'Cannot send an empty message' };
  return null;
}

/** Application command definitions, checked as Discord does on registration. */
export function validateCommand(cmd: Record<string, unknown>, path: string[] = []): string[] {
  const problems: string[] = [];
  const name = cmd.name;
  if (typeof name !== 'string' || !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(name)) {
    problems.push(`${[...path, 'name'].join('.')}: invalid name ${JSON.stringify(name)}`);
  }
  const desc = cmd.description;
  if (typeof desc !== 'string' || desc.length < 1 || desc.length > 100) {
    problems.push(`${[...path, 'description'].join('.')}: must be 1-100 characters`);
  }
  const options = (cmd.options ?? []) as Array<Record<string, unknown>>;
  if (options.length > 25) problems.push(`${path.join('.')}: more than 25 options`);
  let seenOptional = false;
  options.forEach((o, i) => {
    const at = [...path, 'options', String(i)];
    const isSub = o.type === 1 || o.type === 2;
    if (!isSub) {
      if (o.required) {
        if (seenOptional) problems.push(`${at.join('.')}: required options must come before optional ones`);
      } else seenOptional = true;
    }
    const choices = (o.choices ?? []) as unknown[];
    if (choices.length > 25) problems.push(`${at.join('.')}: more than 25 choices`);
    if (choices.length > 0 && o.autocomplete) problems.push(`${at.join('.')}: autocomplete with choices`);
    problems.push(...validateCommand(o, at));
  });
  return problems;
}
