import type { MessageEntity } from "grammy/types";
import { badRequest, type ApiError } from "./api-error.js";
import { sortEntities, type ParsedText } from "./html-entities.js";

const RESERVED = new Set("_*[]()~`>#+-=|{}.!");
const MARKERS: Record<string, { type: MessageEntity["type"]; name: string }> = {
  "*": { type: "bold", name: "Bold" },
  _: { type: "italic", name: "Italic" },
  __: { type: "underline", name: "Underline" },
  "~": { type: "strikethrough", name: "Strikethrough" },
  "||": { type: "spoiler", name: "Spoiler" },
  "[": { type: "text_link", name: "TextUrl" },
};

interface Open {
  marker: string;
  offset: number;
  byteOffset: number;
}

const parseError = (reason: string): ApiError => badRequest(`can't parse entities: ${reason}`);

/** Parses `MarkdownV2` (or, with `legacy`, the old `Markdown`) into text and entities like Telegram. */
export function parseMarkdownV2(source: string, { legacy = false } = {}): ParsedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: Open[] = [];
  const byteOffset = (index: number): number => Buffer.byteLength(source.slice(0, index));
  const unclosed = (o: Open): ApiError =>
    legacy
      ? parseError(`Can't find end of the entity starting at byte offset ${o.byteOffset}`)
      : parseError(`Can't find end of ${MARKERS[o.marker]?.name ?? "the"} entity at byte offset ${o.byteOffset}`);
  let quote: number | undefined;
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    const lineStart = i === 0 || source[i - 1] === "\n";
    if (!legacy && lineStart && quote !== undefined && char !== ">") {
      entities.push({ type: "blockquote", offset: quote, length: text.length - quote });
      quote = undefined;
    }
    if (char === "\\" && i + 1 < source.length && (source.codePointAt(i + 1) ?? 0) <= 126) {
      text += source[i + 1];
      i += 2;
    } else if (!legacy && char === ">" && lineStart) {
      quote ??= text.length;
      i += 1;
    } else if (char === "`") {
      const fence = source.startsWith("```", i) ? "```" : "`";
      const close = findClosing(source, i + fence.length, fence, legacy);
      if (close < 0) throw unclosed({ marker: fence, offset: text.length, byteOffset: byteOffset(i) });
      let body = unescape(source.slice(i + fence.length, close), legacy);
      let language: string | undefined;
      if (fence === "```") {
        const newline = body.indexOf("\n");
        if (newline >= 0 && /^[\w+-]+$/.test(body.slice(0, newline))) language = body.slice(0, newline);
        if (newline >= 0 && (language !== undefined || newline === 0)) body = body.slice(newline + 1);
      }
      const base = { offset: text.length, length: body.length };
      entities.push(fence === "`" ? { ...base, type: "code" } : language ? { ...base, type: "pre", language } : { ...base, type: "pre" });
      text += body;
      i = close + fence.length;
    } else if (char === "]" && open.at(-1)?.marker === "[") {
      const link = open.pop() as Open;
      if (source[i + 1] !== "(") throw parseError(`Can't find end of a URL at byte offset ${byteOffset(i)}`);
      const close = findClosing(source, i + 2, ")", legacy);
      if (close < 0) throw parseError(`Can't find end of a URL at byte offset ${byteOffset(i + 1)}`);
      const url = unescape(source.slice(i + 2, close), legacy);
      entities.push({ type: "text_link", offset: link.offset, length: text.length - link.offset, url });
      i = close + 1;
    } else {
      const marker = readMarker(source, i, legacy);
      if (marker === undefined) {
        if (!legacy && RESERVED.has(char)) {
          throw parseError(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
        }
        text += char;
        i += 1;
        continue;
      }
      const top = open.at(-1);
      if (top?.marker === marker && marker !== "[") {
        open.pop();
        const type = MARKERS[marker]?.type ?? "bold";
        entities.push({ type, offset: top.offset, length: text.length - top.offset } as MessageEntity);
      } else {
        const outer = open.find((o) => o.marker === marker);
        if (outer !== undefined || (legacy && open.length > 0)) throw unclosed(outer ?? (open[0] as Open));
        open.push({ marker, offset: text.length, byteOffset: byteOffset(i) });
      }
      i += marker.length;
    }
  }
  if (quote !== undefined) entities.push({ type: "blockquote", offset: quote, length: text.length - quote });
  const left = open.pop();
  if (left !== undefined) throw unclosed(left);
  return { text, entities: sortEntities(entities) };
}

function readMarker(source: string, at: number, legacy: boolean): string | undefined {
  const char = source[at] as string;
  if (legacy) return char === "*" || char === "_" || char === "[" ? char : undefined;
  if (char === "_" && source[at + 1] === "_") return "__";
  if (char === "|") return source[at + 1] === "|" ? "||" : undefined;
  return char in MARKERS ? char : undefined;
}

function findClosing(source: string, from: number, closing: string, legacy: boolean): number {
  for (let i = from; i < source.length; i += 1) {
    if (!legacy && source[i] === "\\") i += 1;
    else if (source.startsWith(closing, i)) return i;
  }
  return -1;
}

function unescape(value: string, legacy: boolean): string {
  return legacy ? value : value.replace(/\\([\s\S])/g, "$1");
}
