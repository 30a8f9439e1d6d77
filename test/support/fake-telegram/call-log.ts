import type { RawParams } from "./request-body.js";

export type ApiResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after: number } };

/** One call the bot made, as the fake answered it. */
export interface ApiCall {
  /** Position in `calls` (0-based): `c.seq >= mark` keeps only calls made after a mark. */
  seq: number;
  method: string;
  /** Parameters decoded: form values turned back into numbers, booleans and objects. */
  params: Record<string, unknown>;
  /** Clock time (ms) when the call arrived. */
  at: number;
  /** HTTP status; 0 when the connection was dropped on purpose. */
  status: number;
  response?: ApiResponse;
  dropped: boolean;
  via: "http" | "webhook-reply";
}

const JSON_PARAMS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "allowed_updates",
  "commands",
  "scope",
  "message_ids",
]);
const INT_PARAMS = new Set([
  "chat_id",
  "message_id",
  "offset",
  "limit",
  "timeout",
  "max_connections",
  "cache_time",
  "user_id",
  "message_thread_id",
  "reply_to_message_id",
]);
const BOOL_PARAMS = new Set(["show_alert", "disable_notification", "protect_content", "drop_pending_updates"]);

/** Multipart and urlencoded requests carry strings; the log shows what the bot meant. */
export function decodeParams(raw: RawParams): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    decoded[key] = typeof value === "string" ? decodeValue(key, value) : value;
  }
  return decoded;
}

function decodeValue(key: string, value: string): unknown {
  if (JSON_PARAMS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (INT_PARAMS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOL_PARAMS.has(key) && (value === "true" || value === "false")) return value === "true";
  return value;
}
