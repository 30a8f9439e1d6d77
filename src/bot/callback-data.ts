/**
 * Button data: an action and an opaque id, nothing else (Telegram allows 1-64 bytes, and a client can
 * send any bytes it likes: every press is re-checked against the store).
 *   dm:ok:<dmRequestId>   dm:no:<dmRequestId>       approve / deny a DM pairing request
 *   dm:day:<dmRequestId>  dm:blk:<dmRequestId>      approve for 24 hours / deny and block the sender
 *   dv:ok:<requestId>     dv:no:<requestId>         approve / reject a device pairing request
 *   rv:<deviceId>                                   revoke a paired device (asks to confirm)
 */
export type ButtonAction =
  /** `forADay`: access that ends after 24 hours; `block`: the sender is blocked as well. */
  | { kind: "dm"; decision: "approve" | "deny"; id: string; variant?: "forADay" | "block" }
  | { kind: "device"; decision: "approve" | "deny"; id: string }
  | { kind: "revoke-device"; id: string };

const ID = /^[A-Za-z0-9_-]{1,40}$/;

export function encodeButton(action: ButtonAction): string {
  if (!ID.test(action.id)) throw new Error("button ids must be short opaque ids");
  if (action.kind === "revoke-device") return `rv:${action.id}`;
  if (action.kind === "dm" && action.variant) return `dm:${action.variant === "forADay" ? "day" : "blk"}:${action.id}`;
  return `${action.kind === "dm" ? "dm" : "dv"}:${action.decision === "approve" ? "ok" : "no"}:${action.id}`;
}

/** Parses button data; anything that is not exactly one of the forms above is undefined. */
export function decodeButton(data: string): ButtonAction | undefined {
  const parts = data.split(":");
  if (parts.length === 2 && parts[0] === "rv" && ID.test(parts[1]!)) return { kind: "revoke-device", id: parts[1]! };
  if (parts.length !== 3 || !ID.test(parts[2]!)) return undefined;
  if (parts[0] === "dm" && parts[1] === "day") return { kind: "dm", decision: "approve", id: parts[2]!, variant: "forADay" };
  if (parts[0] === "dm" && parts[1] === "blk") return { kind: "dm", decision: "deny", id: parts[2]!, variant: "block" };
  const kind = parts[0] === "dm" ? "dm" : parts[0] === "dv" ? "device" : undefined;
  const decision = parts[1] === "ok" ? "approve" : parts[1] === "no" ? "deny" : undefined;
  return kind && decision ? { kind, decision, id: parts[2]! } : undefined;
}
