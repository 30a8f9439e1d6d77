import { z } from "zod";
import { RoleSchema } from "../store/index.js";

/** The gateway's wire protocol: JSON text frames, one object each. See docs/gateway-protocol.md. */

export const PROTOCOL_VERSION = 1;
/** Larger frames are refused by `ws` itself (close code 1009). A hello is well under 2 KiB. */
export const MAX_FRAME_BYTES = 16 * 1024;

const base64url = (min: number, max: number) => z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

export const HelloSchema = z
  .strictObject({
    type: z.literal("hello"),
    /** Raw 32-byte Ed25519 public key. */
    publicKey: base64url(43, 43),
    /** Ed25519 signature (64 bytes) over challengeMessage(nonce). */
    signature: base64url(86, 86),
    name: z.string().max(256).optional(),
    platform: z.string().max(256).optional(),
    role: RoleSchema.default("node"),
    scopes: z.array(z.string().max(64)).max(16).default([]),
    bootstrapToken: base64url(1, 256).optional(),
    deviceToken: base64url(1, 256).optional(),
  })
  .refine((h) => (h.bootstrapToken === undefined) !== (h.deviceToken === undefined), {
    message: "send exactly one of bootstrapToken (first pairing) or deviceToken (later connections)",
  });
export type Hello = z.infer<typeof HelloSchema>;

export const PingSchema = z.strictObject({ type: z.literal("ping") });

/** What a device may send after its hello. */
export const SessionFrameSchema = PingSchema;

/** Frames the gateway sends. */
export type GatewayFrame =
  | { type: "challenge"; nonce: string; protocol: number }
  | { type: "pending"; requestId: string; deviceId: string; expiresAt: string }
  | { type: "paired"; deviceId: string; deviceToken: string; role: string; scopes: string[] }
  | { type: "authenticated"; deviceId: string; role: string; scopes: string[] }
  | { type: "rejected"; reason: string }
  | { type: "pong" }
  | { type: "error"; code: ReasonCode; message: string; retryAfterMs?: number };

/** The signed message: a fixed prefix keeps a signature made for pairbot from meaning anything elsewhere. */
export const challengeMessage = (nonce: string): Buffer => Buffer.from(`pairbot-gateway-challenge:v1:${nonce}`, "utf8");

/** Why a connection was refused or ended. Stable strings: clients switch on them. */
export const REASON_CODES = [
  "bad_frame",
  "frame_too_large",
  "unexpected_frame",
  "handshake_timeout",
  "bad_signature",
  "token_invalid",
  "token_expired",
  "token_bound",
  "scope_denied",
  "invalid_input",
  "rejected",
  "request_expired",
  "superseded",
  "revoked",
  "throttled",
  "unavailable",
  "internal_error",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** WebSocket close codes (4000-4999 is the application range). */
export const CLOSE_CODES: Record<ReasonCode, number> = {
  bad_frame: 4000,
  frame_too_large: 1009,
  unexpected_frame: 4000,
  handshake_timeout: 4008,
  bad_signature: 4001,
  token_invalid: 4001,
  token_expired: 4001,
  token_bound: 4001,
  scope_denied: 4003,
  invalid_input: 4000,
  rejected: 4003,
  request_expired: 4008,
  superseded: 4009,
  revoked: 4003,
  throttled: 4029,
  unavailable: 1013,
  internal_error: 1011,
};

/** Failures a prober causes; only these slow an address down. An owner's "no" or an expiry do not. */
export const COUNTS_AS_FAILURE: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  "bad_frame",
  "frame_too_large",
  "unexpected_frame",
  "bad_signature",
  "token_invalid",
  "token_expired",
  "token_bound",
  "scope_denied",
  "invalid_input",
]);

/** Parses one text frame; the error says what is wrong in a sentence a device author can act on. */
export function parseFrame<T>(schema: z.ZodType<T>, data: string): { ok: true; frame: T } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, message: "The frame is not JSON; send one JSON object per text frame." };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "frame";
  return { ok: false, message: `The frame is malformed: ${where}: ${issue?.message ?? "invalid"}.` };
}
