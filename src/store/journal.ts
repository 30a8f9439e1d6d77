import { crc32 } from "node:zlib";
import { z } from "zod";
import type { Effect } from "./effects.js";
import {
  AllowEntrySchema, AuditEntrySchema, BootstrapTokenSchema, CodeFailuresSchema, DeviceRequestSchema,
  DmBlockSchema, DmRequestSchema, OwnerSettingsSchema, PairedDeviceSchema, PairingEventSchema, RefusalSummarySchema, SentNotificationSchema,
} from "./schema.js";

/**
 * The journal: one line per committed batch, appended after the snapshot. A line is the CRC-32 of its
 * JSON (8 lowercase hex digits), a space, the JSON, and "\n". The first line is a header naming the
 * snapshot sequence the journal continues; a seal line ends a journal that compaction replaced.
 */
const JOURNAL_FORMAT = 1;

export interface JournalRecord {
  seq: number;
  /** A random id of the batch, so its writer can find it again (the fencing check). */
  id: string;
  fx: Effect[];
}

export type JournalLine =
  /** `snapshot`: the CRC-32 of the snapshot written for `base`, so readers may trust it without checking every field. */
  | { kind: "header"; base: number; snapshot?: string | undefined }
  | { kind: "record"; record: JournalRecord }
  | { kind: "seal"; seq: number };

const key = z.string().min(1);
const putDel = (put: z.ZodType, del: z.ZodType) => ({ put: z.object({ t: z.string(), put }).strict(), del: z.object({ t: z.string(), del }).strict() });
/** Each effect's schema, found by its table and kind: cheaper than trying a union of all of them. */
const EFFECTS: Record<string, { put: z.ZodType; del?: z.ZodType; add?: z.ZodType }> = {
  dm: putDel(DmRequestSchema, key),
  allow: putDel(z.tuple([key, key, key, AllowEntrySchema]), z.tuple([key, key, key])),
  token: putDel(BootstrapTokenSchema, key),
  deviceRequest: putDel(DeviceRequestSchema, key),
  device: putDel(PairedDeviceSchema, key),
  notification: putDel(z.tuple([key, key, SentNotificationSchema]), z.tuple([key, key])),
  owner: { put: z.object({ t: z.string(), put: z.tuple([key, OwnerSettingsSchema]) }).strict() },
  codeFailure: putDel(z.tuple([key, CodeFailuresSchema]), key),
  refusal: putDel(RefusalSummarySchema, key),
  audit: { put: z.never(), add: z.object({ t: z.string(), add: AuditEntrySchema, keep: z.number().int().positive() }).strict() },
  event: { put: z.never(), add: z.object({ t: z.string(), add: PairingEventSchema, keep: z.number().int().positive(), keepMs: z.number().int().positive() }).strict() },
  block: putDel(DmBlockSchema, z.tuple([key, key, key])),
  setting: putDel(z.tuple([key, z.string()]), key),
  idForm: { put: z.object({ t: z.string(), put: z.number().int().nonnegative() }).strict() },
};

/** One effect as JSON: the journal and the PostgreSQL backend both check records against it. */
export const EffectSchema = z.custom<Effect>().superRefine((value, ctx) => {
  const e = value as Record<string, unknown> | null;
  const kind = e && typeof e === "object" ? (["put", "del", "add"] as const).find((k) => k in e) : undefined;
  const schema = kind && typeof e!["t"] === "string" && Object.hasOwn(EFFECTS, e!["t"]) ? EFFECTS[e!["t"]]![kind] : undefined;
  if (!schema) return void ctx.addIssue({ code: "custom", message: "not a known effect" });
  const result = schema.safeParse(e);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message } as never);
});

const LineSchema = z.union([
  z.object({ journal: z.literal(JOURNAL_FORMAT), base: z.number().int().nonnegative(), snapshot: z.string().regex(/^[0-9a-f]{8}$/).optional() }).strict(),
  z.object({ seq: z.number().int().positive(), id: key, fx: z.array(EffectSchema).min(1) }).strict(),
  z.object({ sealed: z.number().int().nonnegative() }).strict(),
]);

const hex = (n: number): string => n.toString(16).padStart(8, "0");

function encode(value: unknown): string {
  const json = JSON.stringify(value);
  return `${hex(crc32(json))} ${json}\n`;
}

export const encodeHeader = (base: number, snapshot?: string): string => encode({ journal: JOURNAL_FORMAT, base, ...(snapshot ? { snapshot } : {}) });
export const checksum = (text: string): string => hex(crc32(text));
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
  if ("journal" in v) return { kind: "header", base: v.base, snapshot: v.snapshot };
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
