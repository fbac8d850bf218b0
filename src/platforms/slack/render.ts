// Platform-neutral replies, digests and alerts as Block Kit messages within Slack's limits:
// at most 50 blocks per message and 3,000 characters per section text. Anything larger is
// split across messages; no item is ever dropped to fit.
import type { ReplyAction, ReplyBlock, Reply, OptionValues } from '../../chat/types.ts';
import { agendaLine, type Digest, type DigestEntry } from '../../digest/types.ts';
import type { StoredItem } from '../../model.ts';
import type { StoryEvidence } from '../../evidence/types.ts';
import { bold, cut, escapeControl, inert, link } from './mrkdwn.ts';
import { slackifyCommandHint, slackifyCommandMentions } from './names.ts';

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  contextElementText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  actionsPerBlock: 25,
  /** Slack truncates `text` beyond 40,000 characters; we stay far below for the whole message. */
  messageChars: 40_000,
  /** A response_url may be used at most five times. */
  responsesPerUrl: 5,
} as const;

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  verbatim?: boolean;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'section'; text: TextObject; block_id?: string }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: Array<{
        type: 'button';
        text: TextObject;
        action_id: string;
        value: string;
        style?: 'primary';
      }>;
    };

export interface SlackMessage {
  /** Notification fallback; never carries feed text. */
  text: string;
  blocks: SlackBlock[];
}

// `verbatim: true` stops Slack from auto-linking bare URLs, #channels and @names in the text.
function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function context(text: string): SlackBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: cut(text, LIMITS.contextElementText), verbatim: true }],
  };
}

/** Split already-safe mrkdwn lines into section texts of at most 3,000 characters. */
function sectionsFromLines(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let current = '';
  for (const line of lines.flatMap((l) => splitLong(l, LIMITS.sectionText))) {
    if (current && current.length + 1 + line.length > LIMITS.sectionText) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** Split escaped mrkdwn into pieces of at most `max`, preferring spaces, never inside `&amp;`. */
function splitLong(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let at = rest.lastIndexOf(' ', max);
    if (at < max / 2) at = max;
    const amp = rest.lastIndexOf('&', at - 1);
    if (amp >= 0 && amp > at - 6 && !rest.slice(amp, at).includes(';')) at = amp;
    // Do not split a surrogate pair.
    const code = rest.charCodeAt(at - 1);
    if (code >= 0xd800 && code <= 0xdbff) at -= 1;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}

// Items ---------------------------------------------------------------------------------

interface ItemView {
  itemId: number;
  title: string;
  url: string | null;
  source: string;
  published: string;
  themes: string[];
  regions: string[];
  snippet: Array<{ text: string; hit: boolean }>;
  alsoReportedBy: Array<{ source: string; url: string | null }>;
  evidence?: StoryEvidence[];
}

/** Evidence lines: each source's label links to its explorer page; all text inert. */
export function evidenceLines(evidence: StoryEvidence[] | undefined): string[] {
  return (evidence ?? []).map((story) => {
    const parts = story.segments.map((s) => `${link(s.url, s.label)}: ${inert(s.text)}`);
    return `Evidence: ${parts.length ? parts.join(' · ') : 'no evidence'}`;
  });
}

function itemText(v: ItemView, titleMax: number, snippetMax: number, alsoMax: number): string {
  const lines: string[] = [];
  lines.push(`*${link(v.url, cut(v.title, titleMax) || `item ${v.itemId}`)}*`);
  const meta = [inert(v.source), v.published.slice(0, 10), `#${v.itemId}`];
  if (v.themes.length) meta.push(inert(v.themes.join(', ')));
  if (v.regions.length) meta.push(inert(v.regions.join(', ')));
  lines.push(meta.filter(Boolean).join(' · '));
  let budget = snippetMax;
  const parts: string[] = [];
  for (const seg of v.snippet) {
    if (budget <= 0) break;
    const raw = cut(seg.text, budget);
    budget -= raw.length;
    const safe = inert(raw);
    if (!safe) continue;
    parts.push(seg.hit ? `*${safe}*` : safe);
  }
  // A fixed lead keeps feed text away from the start of a line (no quote/list syntax).
  if (parts.length) lines.push(`› ${parts.join(' ')}`);
  if (v.alsoReportedBy.length) {
    const shown = v.alsoReportedBy.slice(0, alsoMax).map((a) => link(a.url, a.source));
    const rest = v.alsoReportedBy.length - shown.length;
    lines.push(`Also reported by: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`);
  }
  lines.push(...evidenceLines(v.evidence));
  return lines.join('\n');
}

/** One section per item, shrinking the snippet, then the title, until it fits 3,000 characters. */
function itemBlock(v: ItemView): SlackBlock {
  let titleMax = 300;
  let snippetMax = 700;
  let alsoMax = 10;
  let text = itemText(v, titleMax, snippetMax, alsoMax);
  while (text.length > LIMITS.sectionText) {
    if (snippetMax > 0) snippetMax = Math.floor(snippetMax / 2) - 1;
    else if (alsoMax > 0) alsoMax = Math.floor(alsoMax / 2);
    else titleMax = Math.floor(titleMax / 2);
    text = itemText(v, titleMax, Math.max(0, snippetMax), alsoMax);
  }
  return section(text);
}

function viewOfStored(
  item: StoredItem,
  also: DigestEntry['alsoReportedBy'] = [],
  evidence?: StoryEvidence[],
): ItemView {
  return {
    ...(evidence ? { evidence } : {}),
    itemId: item.id,
    title: item.title,
    url: item.url,
    source: item.sourceName,
    published: item.published,
    themes: item.themes,
    regions: item.regions,
    snippet: item.summary ? [{ text: item.summary, hit: false }] : [],
    alsoReportedBy: also.map((a) => ({ source: a.source, url: a.url })),
  };
}

// Packing -------------------------------------------------------------------------------

interface Unit {
  blocks: SlackBlock[];
  /** Heading the unit belongs under; repeated at the top of a continuation message. */
  group?: string;
}

function blockChars(b: SlackBlock): number {
  if (b.type === 'section') return b.text.text.length;
  if (b.type === 'context') return b.elements.reduce((n, e) => n + e.text.length, 0);
  if (b.type === 'actions') return b.elements.reduce((n, e) => n + e.text.text.length + e.value.length, 0);
  return 0;
}

/**
 * Pack units into messages of at most 50 blocks. A continuation message starts with a
 * context line and repeats the current group heading, so every item keeps its theme.
 */
function pack(units: Unit[], title: string, groupHeading: (group: string) => SlackBlock): SlackMessage[] {
  const messages: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  let chars = 0;
  let group: string | undefined;
  const startContinuation = () => {
    messages.push(current);
    current = [context(`${bold(title)} (continued)`)];
    chars = blockChars(current[0] as SlackBlock);
    group = undefined;
  };
  for (const unit of units) {
    const needsHeading = unit.group !== undefined && unit.group !== group;
    const extra = needsHeading ? 1 : 0;
    const size = unit.blocks.length + extra;
    const unitChars = unit.blocks.reduce((n, b) => n + blockChars(b), 0);
    if (
      current.length > 0 &&
      (current.length + size > LIMITS.blocksPerMessage || chars + unitChars > LIMITS.messageChars)
    ) {
      startContinuation();
    }
    if (unit.group !== undefined && unit.group !== group) {
      current.push(groupHeading(unit.group));
      group = unit.group;
    }
    current.push(...unit.blocks);
    chars += unitChars;
  }
  if (current.length) messages.push(current);
  const n = messages.length;
  return messages.map((blocks, i) => ({
    text: n > 1 ? `${inert(title)} (${i + 1}/${n})` : inert(title),
    blocks,
  }));
}

// Digests and alerts --------------------------------------------------------------------

export function renderDigest(digest: Digest): SlackMessage[] {
  const units: Unit[] = [];
  const range = `${digest.since.slice(0, 16).replace('T', ' ')} → ${digest.until.slice(0, 16).replace('T', ' ')} UTC`;
  units.push({
    blocks: [
      section(bold(digest.title) || '*govwatch digest*'),
      context(`${digest.totalStories} ${digest.totalStories === 1 ? 'story' : 'stories'} · ${inert(range)}`),
    ],
  });
  if (digest.agenda?.length) {
    units.push({
      blocks: [
        section(bold('Deadlines and meetings')),
        ...sectionsFromLines(digest.agenda.map((a) => `• ${link(a.url, agendaLine(a))}`)),
      ],
    });
  }
  for (const sec of digest.sections) {
    for (const entry of sec.entries) {
      units.push({
        blocks: [itemBlock(viewOfStored(entry.item, entry.alsoReportedBy, entry.evidence))],
        group: sec.theme,
      });
    }
  }
  if (digest.totalStories === 0) units.push({ blocks: [context('Nothing new matched this digest.')] });
  if (digest.omitted > 0) {
    const hint = digest.moreQuery
      ? ` Run \`${escapeControl(slackifyCommandHint(digest.moreQuery)).replace(/`/g, '')}\``
      : '';
    units.push({
      blocks: [
        context(`${digest.omitted} more ${digest.omitted === 1 ? 'story' : 'stories'} not shown.${hint}`),
      ],
    });
  }
  return pack(units, digest.title || 'govwatch digest', (theme) =>
    section(bold(theme === 'other' ? 'Other' : theme)),
  );
}

export function renderAlert(
  item: StoredItem,
  subscriptionId: number,
  evidence?: StoryEvidence[],
): SlackMessage[] {
  return [
    {
      text: cut(`govwatch alert from ${inert(item.sourceName)}`, 150),
      blocks: [
        itemBlock(viewOfStored(item, [], evidence)),
        context(`Alert for subscription #${subscriptionId}`),
      ],
    },
  ];
}

export function renderText(text: string): SlackMessage[] {
  const lines = text.split('\n').map(inert).filter(Boolean);
  const blocks = sectionsFromLines(lines.length ? lines : ['(empty)']);
  return pack(
    blocks.map((b) => ({ blocks: [b] })),
    'govwatch',
    (g) => section(bold(g)),
  );
}

// Command replies -----------------------------------------------------------------------

/** What a button carries: the command to re-run and its options. */
export interface ActionPayload {
  c: string;
  s: string | null;
  o: OptionValues;
  sh?: 1;
}

export const ACTION_ID_PREFIX = 'govwatch_action_';

export function encodeAction(a: ReplyAction): string {
  const payload: ActionPayload = { c: a.command, s: a.subcommand, o: a.options };
  if (a.share) payload.sh = 1;
  return JSON.stringify(payload);
}

export function decodeAction(value: string): ActionPayload | null {
  try {
    const v = JSON.parse(value) as Partial<ActionPayload>;
    if (
      typeof v.c !== 'string' ||
      (v.s !== null && typeof v.s !== 'string') ||
      typeof v.o !== 'object' ||
      !v.o
    ) {
      return null;
    }
    return { c: v.c, s: v.s, o: v.o, ...(v.sh ? { sh: 1 as const } : {}) };
  } catch {
    return null;
  }
}

function replyBlockUnits(b: ReplyBlock, names: ReadonlySet<string>): Unit[] {
  const ours = (t: string) => slackifyCommandMentions(t, names);
  switch (b.type) {
    case 'heading':
      return [{ blocks: [section(bold(cut(ours(b.text), 500)))] }];
    case 'paragraph':
      return sectionsFromLines(
        b.text
          .split('\n')
          .map((l) => inert(ours(l)))
          .filter(Boolean),
      ).map((s) => ({ blocks: [s] }));
    case 'list':
      return sectionsFromLines(b.items.map((i) => `• ${inert(ours(i))}`)).map((s) => ({ blocks: [s] }));
    case 'context':
      return [{ blocks: [context(inert(cut(ours(b.text), 2000)))] }];
    case 'item':
      return [
        {
          blocks: [
            itemBlock({
              itemId: b.itemId,
              title: b.title,
              url: b.url,
              source: b.source,
              published: b.published,
              themes: b.themes,
              regions: b.regions,
              snippet: b.snippet,
              alsoReportedBy: (b.alsoReportedBy ?? []).map((s) => ({ source: s, url: null })),
            }),
          ],
        },
      ];
  }
}

function actionBlocks(actions: ReplyAction[]): SlackBlock[] {
  const buttons = actions
    .map((a, i) => ({
      type: 'button' as const,
      text: { type: 'plain_text' as const, text: cut(a.label, LIMITS.buttonText), emoji: false },
      action_id: `${ACTION_ID_PREFIX}${i}`,
      value: encodeAction(a),
      ...(a.share ? { style: 'primary' as const } : {}),
    }))
    // A button whose options do not fit Slack's value limit is left out rather than truncated.
    .filter((b) => b.value.length <= LIMITS.buttonValue);
  const out: SlackBlock[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.actionsPerBlock) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.actionsPerBlock) });
  }
  return out;
}

/**
 * A command reply as up to five messages (one response_url allows five posts). `public`
 * drops the buttons: a shared message should not page or re-share for whoever clicks.
 */
export function renderReply(
  reply: Reply,
  opts: { public?: boolean; commandNames?: ReadonlySet<string> } = {},
): SlackMessage[] {
  let messages: SlackMessage[];
  if (reply.digest) {
    // A digest (preview) is drawn by the same renderer as the posted digest.
    messages = renderDigest(reply.digest);
  } else {
    const names = opts.commandNames ?? new Set<string>();
    const units: Unit[] = reply.blocks.flatMap((b) => replyBlockUnits(b, names));
    if (!opts.public && reply.actions?.length) {
      const blocks = actionBlocks(reply.actions);
      if (blocks.length) units.push({ blocks });
    }
    if (!units.length) units.push({ blocks: [section('Done.')] });
    const firstHeading = reply.blocks.find((b) => b.type === 'heading');
    const title = firstHeading && firstHeading.type === 'heading' ? firstHeading.text : 'govwatch';
    messages = pack(units, title, (g) => section(bold(g)));
  }
  if (messages.length <= LIMITS.responsesPerUrl) return messages;
  const kept = messages.slice(0, LIMITS.responsesPerUrl);
  const last = kept[kept.length - 1] as SlackMessage;
  const dropped = messages.length - kept.length;
  // Replies are answers, not deliveries: past five messages the caller is told to narrow the query.
  if (last.blocks.length >= LIMITS.blocksPerMessage) last.blocks.pop();
  last.blocks.push(context(`${dropped} more message(s) not shown: narrow the command's options.`));
  return kept;
}

/**
 * A short ephemeral message of our own text (errors, help): `&`, `<`, `>` are escaped, but
 * formatting is kept so help texts may use `code` and *bold*. Only the caller sees it.
 */
export function renderNotice(lines: string[]): SlackMessage {
  const blocks = sectionsFromLines(lines.map((l) => escapeControl(l) || ' ')).slice(
    0,
    LIMITS.blocksPerMessage,
  );
  return { text: cut(inert(lines[0] ?? 'govwatch'), 150), blocks };
}
