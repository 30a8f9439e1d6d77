import type { MessageEntity } from "grammy/types";
import { badRequest, type ApiError } from "./api-error.js";

/** Plain text and its entities, offsets in UTF-16 code units as Telegram counts them. */
export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const SIMPLE_TAGS: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
  pre: "pre",
};
const SUPPORTED_TAGS = new Set([...Object.keys(SIMPLE_TAGS), "a", "span", "tg-emoji", "blockquote"]);
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  attributes: Map<string, string>;
  offset: number;
  byteOffset: number;
}

const parseError = (reason: string): ApiError => badRequest(`can't parse entities: ${reason}`);

/**
 * Parses `parse_mode: "HTML"` like Telegram: only its tags, closed in order, `<` and `&` escaped.
 * Stricter than Telegram in one way: a bare `&` that starts no entity is refused, since it shows a bug.
 */
export function parseHtml(html: string): ParsedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  const byteOffset = (index: number): number => Buffer.byteLength(html.slice(0, index));
  let i = 0;
  while (i < html.length) {
    const char = html[i] as string;
    if (char === "&") {
      const decoded = decodeEntity(html, i);
      if (decoded === undefined) {
        throw parseError(`character "&" at byte offset ${byteOffset(i)} must be escaped as "&amp;"`);
      }
      text += decoded.value;
      i = decoded.end;
    } else if (char !== "<") {
      text += char;
      i += 1;
    } else if (html[i + 1] === "/") {
      const end = html.indexOf(">", i + 2);
      if (end < 0) throw parseError(`Unclosed end tag at byte offset ${byteOffset(i)}`);
      const name = html.slice(i + 2, end).trim().toLowerCase();
      const tag = open.pop();
      if (tag === undefined) throw parseError(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (tag.name !== name) {
        throw parseError(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${tag.name}>", found "</${name}>"`);
      }
      closeTag(tag, text.length, open, entities);
      i = end + 1;
    } else {
      const tag = readStartTag(html, i, byteOffset);
      open.push({ ...tag.tag, offset: text.length });
      i = tag.end;
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function readStartTag(
  html: string,
  start: number,
  byteOffset: (index: number) => number,
): { tag: Omit<OpenTag, "offset">; end: number } {
  let i = start + 1;
  while (i < html.length && !/[\s>]/.test(html[i] as string)) i += 1;
  if (i >= html.length) throw parseError(`Unclosed start tag at byte offset ${byteOffset(start)}`);
  const name = html.slice(start + 1, i).toLowerCase();
  if (!SUPPORTED_TAGS.has(name)) {
    throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(start)}`);
  }
  const attributes = new Map<string, string>();
  while (true) {
    while (i < html.length && /\s/.test(html[i] as string)) i += 1;
    if (i >= html.length) throw parseError(`Unclosed start tag at byte offset ${byteOffset(start)}`);
    if (html[i] === ">") break;
    const nameStart = i;
    while (i < html.length && /[a-zA-Z0-9_-]/.test(html[i] as string)) i += 1;
    const attribute = html.slice(nameStart, i).toLowerCase();
    if (attribute === "") {
      throw parseError(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(start)}`);
    }
    while (i < html.length && /\s/.test(html[i] as string)) i += 1;
    let value = "";
    if (html[i] === "=") {
      i += 1;
      while (i < html.length && /\s/.test(html[i] as string)) i += 1;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        if (close < 0) {
          throw parseError(`Unclosed end of attribute value in the tag "${name}" at byte offset ${byteOffset(start)}`);
        }
        value = decodeAll(html.slice(i + 1, close));
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !/[\s>]/.test(html[i] as string)) i += 1;
        value = decodeAll(html.slice(valueStart, i));
      }
    }
    attributes.set(attribute, value);
  }
  if (name === "span" && attributes.get("class") !== "tg-spoiler") {
    throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(start)}`);
  }
  if (name === "tg-emoji" && !/^\d+$/.test(attributes.get("emoji-id") ?? "")) {
    throw parseError(`Tag "tg-emoji" must have a valid attribute "emoji-id" at byte offset ${byteOffset(start)}`);
  }
  return { tag: { name, attributes, byteOffset: byteOffset(start) }, end: i + 1 };
}

function closeTag(tag: OpenTag, end: number, open: OpenTag[], entities: MessageEntity[]): void {
  const length = end - tag.offset;
  const base = { offset: tag.offset, length };
  if (tag.name === "a") {
    const url = tag.attributes.get("href");
    if (url) entities.push({ ...base, type: "text_link", url });
  } else if (tag.name === "span") {
    entities.push({ ...base, type: "spoiler" });
  } else if (tag.name === "tg-emoji") {
    entities.push({ ...base, type: "custom_emoji", custom_emoji_id: tag.attributes.get("emoji-id") ?? "" });
  } else if (tag.name === "blockquote") {
    entities.push({ ...base, type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote" });
  } else if (tag.name === "code" && open.at(-1)?.name === "pre") {
    // <pre><code class="language-x"> names the language of the pre block
    const language = /^language-(.+)$/.exec(tag.attributes.get("class") ?? "")?.[1];
    const pre = open.at(-1);
    if (language !== undefined && pre !== undefined) pre.attributes.set("language", language);
    else entities.push({ ...base, type: "code" });
  } else if (tag.name === "pre") {
    const language = tag.attributes.get("language");
    entities.push(language ? { ...base, type: "pre", language } : { ...base, type: "pre" });
  } else {
    const type = SIMPLE_TAGS[tag.name];
    if (type !== undefined) entities.push({ ...base, type } as MessageEntity);
  }
}

function decodeEntity(html: string, at: number): { value: string; end: number } | undefined {
  const match = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-z]+));/.exec(html.slice(at, at + 12));
  if (!match) return undefined;
  const [whole, decimal, hex, named] = match;
  const end = at + whole.length;
  if (named !== undefined) {
    const value = NAMED_ENTITIES[named];
    return value === undefined ? undefined : { value, end };
  }
  const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex ?? "", 16);
  if (codePoint > 0x10ffff || codePoint === 0) return undefined;
  return { value: String.fromCodePoint(codePoint), end };
}

function decodeAll(value: string): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const decoded = value[i] === "&" ? decodeEntity(value, i) : undefined;
    if (decoded) {
      out += decoded.value;
      i = decoded.end;
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities
    .filter((entity) => entity.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
}
