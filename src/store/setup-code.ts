import { z } from "zod";
import { PairbotError } from "./errors.js";

/** A setup code: base64url of JSON { url, bootstrapToken, expiresAt }. It carries no other secret. */
export interface SetupCode {
  url: string;
  bootstrapToken: string;
  expiresAt: string;
}

/** The URL as typed, with any "user:password@" hidden, for error messages. */
const shown = (value: string): string => value.replace(/\/\/[^/?#]*@/, "//…@");

/** Only ws:// or wss://, and nothing in the URL that could smuggle a second secret. */
export function gatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PairbotError("invalid_input", `Invalid gateway URL "${shown(value)}": write it like ws://192.168.1.20:18789 or wss://gateway.example.com`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new PairbotError("invalid_input", `Invalid gateway URL "${shown(value)}": it must start with ws:// or wss://`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new PairbotError("invalid_input", `Invalid gateway URL: it must not contain a user, password, query or fragment; setup codes carry no secret but the bootstrap token`);
  }
  return url.toString().replace(/\/$/, "");
}

const SetupCodeSchema = z.strictObject({
  url: z.string(),
  bootstrapToken: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  expiresAt: z.iso.datetime({ offset: true }),
});

export function encodeSetupCode(code: SetupCode): string {
  return Buffer.from(JSON.stringify({ url: gatewayUrl(code.url), bootstrapToken: code.bootstrapToken, expiresAt: code.expiresAt })).toString("base64url");
}

const damaged = (why: string) =>
  new PairbotError("setup_code_invalid", `The setup code is damaged: ${why}. Copy it again from the /pair message, whole.`);

/** Decodes and checks a setup code; `now` makes an expired one an error too. */
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
  const code = { ...parsed.data, url: gatewayUrl(parsed.data.url) };
  if (now !== undefined && Date.parse(code.expiresAt) <= now) {
    throw new PairbotError("token_expired", `The setup code expired at ${code.expiresAt}. Ask the owner for a new one (/pair).`);
  }
  return code;
}
