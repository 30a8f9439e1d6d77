import type { MessageEntity } from "grammy/types";
import { badRequest } from "./api-error.js";
import { parseHtml, sortEntities, type ParsedText } from "./html-entities.js";
import { parseMarkdownV2 } from "./markdown-v2.js";
import type { Params } from "./params.js";

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

/** The text and entities Telegram would store for `text`/`caption` with `parse_mode` or explicit entities. */
export function formattedText(params: Params, kind: "text" | "caption"): ParsedText & { parseMode?: string } {
  const field = kind;
  const entitiesField = kind === "text" ? "entities" : "caption_entities";
  const source = params.optionalString(field) ?? "";
  const parseMode = params.optionalString("parse_mode");
  let parsed: ParsedText;
  if (params.has(entitiesField)) {
    parsed = { text: source, entities: explicitEntities(params.json(entitiesField), source) };
  } else if (parseMode === undefined || parseMode === "") {
    parsed = { text: source, entities: [] };
  } else if (parseMode.toLowerCase() === "html") {
    parsed = parseHtml(source);
  } else if (parseMode.toLowerCase() === "markdownv2") {
    parsed = parseMarkdownV2(source);
  } else if (parseMode.toLowerCase() === "markdown") {
    parsed = parseMarkdownV2(source, { legacy: true });
  } else {
    throw badRequest("unsupported parse_mode");
  }
  const trimmed = trim(parsed);
  const length = [...trimmed.text].length; // Telegram counts Unicode scalars here, not UTF-16 units
  if (kind === "text") {
    if (length === 0) throw badRequest("message text is empty");
    if (length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  } else if (length > MAX_CAPTION_LENGTH) {
    throw badRequest("message caption is too long");
  }
  return parseMode ? { ...trimmed, parseMode } : trimmed;
}

function explicitEntities(value: unknown, text: string): MessageEntity[] {
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  return value.map((entity: unknown) => {
    const e = entity as Partial<MessageEntity> | null;
    if (
      typeof e !== "object" || e === null || typeof e.type !== "string" ||
      !Number.isInteger(e.offset) || !Number.isInteger(e.length)
    ) {
      throw badRequest("can't parse MessageEntity");
    }
    if ((e.offset as number) < 0 || (e.offset as number) + (e.length as number) > text.length) {
      throw badRequest("entity beyond the end of the text");
    }
    return e as MessageEntity;
  });
}

/** Telegram strips leading and trailing whitespace and shifts entities to match. */
function trim({ text, entities }: ParsedText): ParsedText {
  const lead = text.length - text.trimStart().length;
  const kept = text.trim();
  const shifted = entities.map((entity) => {
    const start = Math.max(0, entity.offset - lead);
    const end = Math.min(kept.length, entity.offset + entity.length - lead);
    return { ...entity, offset: start, length: Math.max(0, end - start) };
  });
  return { text: kept, entities: sortEntities(shifted) };
}
