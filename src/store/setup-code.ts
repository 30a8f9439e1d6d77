import { z } from "zod";
import { isLocalHost, isLoopbackHost } from "./cidr.js";
import { PairbotError } from "./errors.js";

/**
 * A setup code: base64url of JSON { url, urls, bootstrapToken, expiresAt, access }. `urls` lists every
 * address of the gateway in the order a device should try them; `url` is the first, for readers that
 * know only one. It carries no other secret.
 */
export interface SetupCode {
  url: string;
  urls: string[];
  bootstrapToken: string;
  expiresAt: string;
  access: Access;
}

/**
 * What a setup code may pair: "full" (any role the code names) when every URL is wss:// or on this
 * machine; "limited" (a node with no scopes) when any URL is plain ws:// across a network.
 */
export type Access = "full" | "limited";

/** How many addresses one setup code may carry. */
export const MAX_GATEWAY_URLS = 8;

/** The URL as typed, with any "user:password@" hidden, for error messages. */
const shown = (value: string): string => value.replace(/\/\/[^/?#]*@/, "//…@");

/**
 * Only ws:// or wss://, nothing in the URL that could smuggle a second secret, and plain ws:// only to
 * this machine or the local network (loopback, private and link-local addresses, `.local` names).
 */
export function gatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PairbotError("invalid_input", `Invalid gateway URL "${shown(value)}": write it like ws://192.168.1.20:18789 or wss://gateway.example.com.`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new PairbotError("invalid_input", `Invalid gateway URL "${shown(value)}": it must start with ws:// or wss://, like ws://192.168.1.20:18789.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new PairbotError("invalid_input", `Invalid gateway URL: it must not contain a user, password, query or fragment (setup codes carry no secret but the bootstrap token); write it like wss://gateway.example.com.`);
  }
  if (url.protocol === "ws:" && !isLocalHost(url.hostname)) {
    throw new PairbotError(
      "invalid_input",
      `Invalid gateway URL "${shown(value)}": plain ws:// would carry device tokens unencrypted across the internet; use wss:// for a public address or name (ws:// is for loopback, private and link-local addresses and .local names).`,
    );
  }
  return url.toString().replace(/\/$/, "");
}

/** "ws://192.168.1.20:18789,wss://gw.example.com" (or a list) -> the checked URLs, in order, without repeats. */
export function gatewayUrls(value: string | readonly string[]): string[] {
  const parts = (typeof value === "string" ? value.split(",") : value).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new PairbotError("invalid_input", "No gateway URL: give one like ws://192.168.1.20:18789, or several separated by commas.");
  const urls = [...new Set(parts.map(gatewayUrl))];
  if (urls.length > MAX_GATEWAY_URLS) {
    throw new PairbotError("invalid_input", `Too many gateway URLs (${urls.length}): a setup code carries at most ${MAX_GATEWAY_URLS}, so give fewer.`);
  }
  return urls;
}

/** Full access only when no URL sends the handshake in clear across a network. */
export const accessOf = (urls: readonly string[]): Access =>
  urls.every((u) => u.startsWith("wss://") || isLoopbackHost(new URL(u).hostname)) ? "full" : "limited";

const SetupCodeSchema = z.strictObject({
  url: z.string(),
  urls: z.array(z.string()).min(1).max(MAX_GATEWAY_URLS).optional(),
  bootstrapToken: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  expiresAt: z.iso.datetime({ offset: true }),
  access: z.enum(["full", "limited"]).optional(),
});

export function encodeSetupCode(code: { urls: readonly string[]; bootstrapToken: string; expiresAt: string; access?: Access }): string {
  const urls = gatewayUrls(code.urls);
  // The least access the URLs allow: a caller cannot widen it.
  const access = code.access === "limited" ? "limited" : accessOf(urls);
  return Buffer.from(JSON.stringify({ url: urls[0], urls, bootstrapToken: code.bootstrapToken, expiresAt: code.expiresAt, access })).toString("base64url");
}

const damaged = (why: string) =>
  new PairbotError("setup_code_invalid", `The setup code is damaged: ${why}; copy it again from the /pair message, whole.`);

/** Decodes and checks a setup code; `now` makes an expired one an error too. A code with one `url` (older pairbot) is read as a list of one. */
export function decodeSetupCode(text: string, now?: number): SetupCode {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed)) throw damaged("it contains characters that are not base64url");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(trimmed, "base64url").toString("utf8"));
  } catch {
    throw damaged("it does not decode to JSON");
  }
  const parsed = SetupCodeSchema.safeParse(json);
  if (!parsed.success) {
    throw damaged(`it does not hold a url, a bootstrap token and an expiry (${parsed.error.issues[0]?.path.join(".") || "format"})`);
  }
  const urls = gatewayUrls(parsed.data.urls ?? [parsed.data.url]);
  if (gatewayUrl(parsed.data.url) !== urls[0]) throw damaged("its url is not the first of its urls");
  const access = parsed.data.access === "limited" ? "limited" : accessOf(urls);
  const code: SetupCode = { url: urls[0]!, urls, bootstrapToken: parsed.data.bootstrapToken, expiresAt: parsed.data.expiresAt, access };
  if (now !== undefined && Date.parse(code.expiresAt) <= now) {
    throw new PairbotError("token_expired", `The setup code expired at ${code.expiresAt}; ask the owner for a new one (/pair).`);
  }
  return code;
}
