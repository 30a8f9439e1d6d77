import { PairbotError } from "../store/errors.js";
import type { SenderImport } from "../store/index.js";

/** A list of sender ids as a user pipes it in, each entry with where it stood ("line 7", "item 3"). */
export interface SenderList {
  entries: SenderImport[];
  /** Where each entry stood, for messages: `where[i]` belongs to `entries[i]`. */
  where: { line: number }[] | { item: number }[];
}

const FORMATS = "one sender id per line, or a JSON array of ids or of {\"id\", \"name\"} objects";

/**
 * Reads a sender list: one id per line (blank lines and "#" comments skipped), or a JSON array of ids
 * or of `{id, name}` objects (an OpenClaw allowFrom file, `{"allowFrom": [...]}`, works too).
 * Text that cannot be read as either is refused as a whole.
 */
export function parseSenderList(text: string): SenderList {
  if (text.includes("\u0000")) throw new PairbotError("invalid_input", `The input is not text; expected ${FORMATS}.`);
  const body = text.replace(/^\uFEFF/, "").trim();
  const list = body.startsWith("[") || body.startsWith("{") ? fromJson(body) : fromLines(text);
  if (list.entries.length === 0) throw new PairbotError("invalid_input", `No sender ids in the input; expected ${FORMATS}.`);
  return list;
}

function fromJson(body: string): SenderList {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new PairbotError("invalid_input", `The input looks like JSON but does not parse (${(e as Error).message}); expected ${FORMATS}.`);
  }
  const items = Array.isArray(value) ? value : isAllowFromFile(value) ? value.allowFrom : undefined;
  if (!items) throw new PairbotError("invalid_input", `The input is JSON but not an array; expected ${FORMATS}.`);
  const entries = items.map((item: unknown): SenderImport =>
    typeof item === "object" && item !== null && !Array.isArray(item) ? { id: (item as { id?: unknown }).id, name: (item as { name?: unknown }).name } : { id: item },
  );
  return { entries, where: entries.map((_, i) => ({ item: i + 1 })) };
}

const isAllowFromFile = (value: unknown): value is { allowFrom: unknown[] } =>
  typeof value === "object" && value !== null && Array.isArray((value as { allowFrom?: unknown }).allowFrom);

function fromLines(text: string): SenderList {
  const entries: SenderImport[] = [];
  const where: { line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    entries.push({ id: line });
    where.push({ line: i + 1 });
  });
  return { entries, where };
}

/** "line 7" or "item 3". */
export const placeOf = (where: { line: number } | { item: number }): string => ("line" in where ? `line ${where.line}` : `item ${where.item}`);
