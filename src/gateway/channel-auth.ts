import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { PairbotError } from "../store/index.js";
import { channelName } from "../store/validate.js";

/** One channel adapter's token, kept only as its SHA-256; `channel` binds it to one channel. */
export interface AdapterToken {
  hash: Buffer;
  channel?: string;
  /** The audit's actor: `adapter:<channel>` for a bound token, else `adapter:<line>`. */
  actor: string;
}

const MIN_TOKEN_LENGTH = 16;
const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Reads `--channel-token-file`: one token a line, or `channel:token` to bind it to one channel;
 * blank lines and lines starting with # are skipped. Errors name the line, never the token.
 */
export function loadAdapterTokens(file: string): AdapterToken[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PairbotError("config_invalid", `Cannot read the channel token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const tokens: AdapterToken[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${file} line ${i + 1}`;
    const colon = line.indexOf(":");
    const token = colon < 0 ? line : line.slice(colon + 1).trim();
    let channel: string | undefined;
    if (colon >= 0) {
      try {
        channel = channelName(line.slice(0, colon).trim());
      } catch (e) {
        throw new PairbotError("config_invalid", `The channel token file ${where}: ${(e as Error).message}; write channel:token or just the token.`);
      }
    }
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new PairbotError("config_invalid", `The channel token file ${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters or has spaces; make one with: openssl rand -base64 32`);
    }
    tokens.push({ hash: sha256(token), ...(channel ? { channel } : {}), actor: `adapter:${channel ?? i + 1}` });
  });
  if (tokens.length === 0) throw new PairbotError("config_invalid", `The channel token file ${file} holds no token; write one a line (channel:token binds it to one channel).`);
  return tokens;
}

/**
 * The adapter an `Authorization: Bearer <token>` header names for this channel, or undefined.
 * Both sides are hashed, so the comparison takes the same time whatever the token's length, and
 * every token is compared, so the time does not tell which one nearly matched.
 */
export function adapterFor(tokens: readonly AdapterToken[], authorization: string | undefined, channel: string): AdapterToken | undefined {
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (bearer === undefined) return undefined;
  const presented = sha256(bearer);
  let found: AdapterToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(presented, token.hash) && (token.channel === undefined || token.channel === channel)) found ??= token;
  }
  return found;
}
