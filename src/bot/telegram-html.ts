/** Telegram's limits for a message text and a media caption. */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Escapes text that came from outside for Telegram's HTML parse mode. */
export const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The tags Telegram's HTML parse mode accepts (span only as class="tg-spoiler"). */
const TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span", "tg-emoji"]);

/**
 * What Telegram would refuse in this HTML ("can't parse entities"), as a phrase, or undefined when it
 * is fine: only Telegram's tags, each closed in order, and every <, > and & written as an entity.
 */
export function htmlProblem(html: string): string | undefined {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([^\s>/]*)([^>]*)(>?)|&(?!(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});)|>/gi)) {
    const [whole, slash, rawName = "", , closed] = m;
    if (whole === "&") return `a bare "&" (write &amp;)`;
    if (whole === ">") return `a bare ">" (write &gt;)`;
    const name = rawName.toLowerCase();
    if (!closed) return `"${whole.slice(0, 20)}" is not a complete tag (write &lt; for a bare "<")`;
    if (!TAGS.has(name)) return `the tag <${rawName}> is not one Telegram allows (${[...TAGS].join(", ")})`;
    if (!slash) open.push(name);
    else if (open.pop() !== name) return `</${rawName}> closes a tag that is not the last one opened`;
  }
  return open.length > 0 ? `<${open.at(-1)}> is never closed` : undefined;
}

/**
 * Cuts HTML to a limit without splitting an entity or leaving a tag open: cut at the last safe
 * point, drop a half-written tag or entity, close what is still open, add an ellipsis.
 */
export function cutHtml(html: string, limit = TEXT_LIMIT): string {
  if (html.length <= limit) return html;
  let cut = html.slice(0, Math.max(0, limit - 40));
  cut = cut.replace(/<[^>]*$/, "").replace(/&[a-zA-Z#0-9]*$/, "");
  const open: string[] = [];
  for (const m of cut.matchAll(/<(\/?)([a-zA-Z-]+)[^>]*>/g)) {
    if (m[1]) open.pop();
    else open.push(m[2]!);
  }
  return cut + "…" + open.reverse().map((tag) => `</${tag}>`).join("");
}

/** HTML to plain text, for places without parse_mode (button labels, callback answers). */
export function plainText(html: string, limit: number): string {
  const text = html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  return [...text].length <= limit ? text : [...text].slice(0, limit - 1).join("") + "…";
}

const ENTITY_TAGS: Record<string, string> = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre", spoiler: "tg-spoiler" };

/** A received message's text and entities back to Telegram HTML (the formatting pairbot uses; links and the rest as plain text). */
export function messageHtml(text: string, entities: readonly { type: string; offset: number; length: number }[] = []): string {
  const tagged = entities.filter((e) => ENTITY_TAGS[e.type]).sort((a, b) => a.offset - b.offset || b.length - a.length);
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  for (const e of tagged) {
    const tag = ENTITY_TAGS[e.type]!;
    opens.set(e.offset, [...(opens.get(e.offset) ?? []), `<${tag}>`]);
    closes.set(e.offset + e.length, [`</${tag}>`, ...(closes.get(e.offset + e.length) ?? [])]);
  }
  let html = "";
  for (let i = 0; i <= text.length; i++) {
    html += (closes.get(i) ?? []).join("") + (opens.get(i) ?? []).join("");
    if (i < text.length) html += escapeHtml(text[i]!);
  }
  return html;
}
