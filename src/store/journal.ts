import { crc32 } from "node:zlib";
import { z } from "zod";
import type { Effect } from "./effects.js";
import {
  AllowEntrySchema, AuditEntrySchema, BootstrapTokenSchema, CodeFailuresSchema, DeviceRequestSchema,
  DmRequestSchema, OwnerSettingsSchema, PairedDeviceSchema, SentNotificationSchema,
} from "./schema.js";

/**
 * The journal: one line per committed batch, appended after the snapshot. A line is the CRC-32 of its
 * JSON (8 lowercase hex digits), a space, the JSON, and "\n". The first line is a header naming the
 * snapshot sequence the journal continues; a seal line ends a journal that compaction replaced.
 */
export const JOURNAL_FORMAT = 1;

export interface JournalRecord {
  seq: number;
  /** A random id of the batch, so its writer can find it again (the fencing check). */
  id: string;
  fx: Effect[];
}

export type JournalLine =
  | { kind: "header"; base: number }
  | { kind: "record"; record: JournalRecord }
  | { kind: "seal"; seq: number };

const key = z.string().min(1);
/** One effect as JSON: the journal and the PostgreSQL backend both check records against it. */
export const EffectSchema = z.union([
  z.object({ t: z.literal("dm"), put: DmRequestSchema }).strict(),
  z.object({ t: z.literal("dm"), del: key }).strict(),
  z.object({ t: z.literal("allow"), put: z.tuple([key, key, key, AllowEntrySchema]) }).strict(),
  z.object({ t: z.literal("allow"), del: z.tuple([key, key, key]) }).strict(),
  z.object({ t: z.literal("token"), put: BootstrapTokenSchema }).strict(),
  z.object({ t: z.literal("token"), del: key }).strict(),
  z.object({ t: z.literal("deviceRequest"), put: DeviceRequestSchema }).strict(),
  z.object({ t: z.literal("deviceRequest"), del: key }).strict(),
  z.object({ t: z.literal("device"), put: PairedDeviceSchema }).strict(),
  z.object({ t: z.literal("device"), del: key }).strict(),
  z.object({ t: z.literal("notification"), put: z.tuple([key, key, SentNotificationSchema]) }).strict(),
  z.object({ t: z.literal("notification"), del: z.tuple([key, key]) }).strict(),
  z.object({ t: z.literal("owner"), put: z.tuple([key, OwnerSettingsSchema]) }).strict(),
  z.object({ t: z.literal("codeFailure"), put: z.tuple([key, CodeFailuresSchema]) }).strict(),
  z.object({ t: z.literal("codeFailure"), del: key }).strict(),
  z.object({ t: z.literal("audit"), add: AuditEntrySchema, keep: z.number().int().positive() }).strict(),
]);

const LineSchema = z.union([
  z.object({ journal: z.literal(JOURNAL_FORMAT), base: z.number().int().nonnegative() }).strict(),
  z.object({ seq: z.number().int().positive(), id: key, fx: z.array(EffectSchema).min(1) }).strict(),
  z.object({ sealed: z.number().int().nonnegative() }).strict(),
]);

const hex = (n: number): string => n.toString(16).padStart(8, "0");

function encode(value: unknown): string {
  const json = JSON.stringify(value);
  return `${hex(crc32(json))} ${json}\n`;
}

export const encodeHeader = (base: number): string => encode({ journal: JOURNAL_FORMAT, base });
export const encodeRecord = (record: JournalRecord): string => encode(record);
export const encodeSeal = (seq: number): string => encode({ sealed: seq });

/** Decodes one complete line (without its "\n"); returns why it is bad instead of throwing. */
export function decodeLine(line: string): JournalLine | string {
  const match = /^([0-9a-f]{8}) (.*)$/s.exec(line);
  if (!match) return "it does not start with a checksum";
  if (hex(crc32(match[2]!)) !== match[1]) return "its checksum does not match (the line was damaged)";
  let raw: unknown;
  try {
    raw = JSON.parse(match[2]!);
  } catch {
    return "it is not valid JSON";
  }
  const parsed = LineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `it does not match the journal format (${issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "unknown"})`;
  }
  const v = parsed.data;
  if ("journal" in v) return { kind: "header", base: v.base };
  if ("sealed" in v) return { kind: "seal", seq: v.sealed };
  return { kind: "record", record: v as JournalRecord };
}

export interface SplitLines {
  /** Complete lines with the byte offset just past each one's "\n". */
  lines: Array<{ text: string; end: number }>;
  /** Bytes after the last "\n": a write in progress, or one torn by a crash. */
  tail: number;
}

/** Splits bytes read at `offset` into complete lines; never decodes a partial one. */
export function splitLines(bytes: Buffer, offset: number): SplitLines {
  const lines: SplitLines["lines"] = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break;
    lines.push({ text: bytes.toString("utf8", start, nl), end: offset + nl + 1 });
    start = nl + 1;
  }
  return { lines, tail: bytes.length - start };
}
