// What Slack's mrkdwn renderer would make of a text: the control sequences it would act on
// (`<!channel>`, `<@U…>`, `<#C…>`, `<url|label>`) and the formatting spans it would apply.
// Tests use it to prove feed text reached the channel inert.

export interface MrkdwnAnalysis {
  /** `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`, `<@U…>`, `<#C…>`: anything that pings or links a conversation. */
  mentions: string[];
  links: Array<{ url: string; label: string | null }>;
  /** Text wrapped in formatting markers: `*bold*`, `_italic_`, `~strike~`, `` `code` ``. */
  formatted: Array<{ marker: string; text: string }>;
  /** The text as a reader would see it (entities decoded, control sequences replaced by labels). */
  visible: string;
}

const ENTITY: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

export function analyzeMrkdwn(text: string): MrkdwnAnalysis {
  const mentions: string[] = [];
  const links: MrkdwnAnalysis['links'] = [];
  const formatted: MrkdwnAnalysis['formatted'] = [];
  // Control sequences are literal `<…>` (escaped ones are `&lt;…&gt;` and stay text).
  const visible = text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? null : inner.slice(bar + 1);
    if (/^[!@#]/.test(target)) {
      mentions.push(target);
      return label ?? target;
    }
    links.push({ url: target, label: label ?? null });
    return label ?? target;
  });
  // Slack applies formatting when a marker opens after start/space/punctuation and closes before
  // end/space/punctuation, with non-space text right inside the markers.
  const re = /(^|[\s([{"'.,;:!?-])([*_~`])(?=\S)([^\n]*?\S)\2(?=$|[\s)\]}"'.,;:!?-])/g;
  for (const m of text.matchAll(re)) formatted.push({ marker: m[2] as string, text: m[3] as string });
  return {
    mentions,
    links,
    formatted,
    visible: visible.replace(/&(amp|lt|gt);/g, (e) => ENTITY[e] ?? e),
  };
}

/** Every mrkdwn string in a list of blocks (section text, fields, context elements). */
export function mrkdwnTexts(blocks: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const [k, child] of Object.entries(o)) if (k !== 'text' || typeof child !== 'string') visit(child);
  };
  visit(blocks);
  return out;
}
