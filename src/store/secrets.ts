import { createHash, timingSafeEqual } from "node:crypto";
import type { RandomSource } from "./clock.js";

/** No 0/O and no 1/I: a code read aloud or typed from a phone survives. */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;

export function newPairingCode(random: RandomSource, taken: ReadonlySet<string>): string {
  for (;;) {
    let code = "";
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[random.int(CODE_ALPHABET.length)];
    if (!taken.has(code)) return code;
  }
}

/**
 * The pairing code a text names, in any case and with any spaces or dashes between ("ab3d 7x9k",
 * "AB3D-7X9K"), or undefined when it names none.
 */
export function pairingCodeOf(text: string): string | undefined {
  const code = text.replace(/[\s\u00a0\u2010-\u2015-]+/g, "").toUpperCase();
  return code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c)) ? code : undefined;
}

/** An opaque short id for requests: safe in callback_data, says nothing about the request. */
export const newId = (random: RandomSource, bytes = 9): string => random.bytes(bytes).toString("base64url");

/** Bootstrap and device tokens: 256 random bits. */
export const newToken = (random: RandomSource): string => random.bytes(32).toString("base64url");

export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

export function tokenMatches(token: string, storedHash: string): boolean {
  if (typeof token !== "string") return false; // a device's JSON may carry anything in place of a token
  const a = Buffer.from(hashToken(token), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A device's id is derived from its public key, so a device cannot claim another's id. */
export const deviceIdFor = (publicKey: string): string =>
  createHash("sha256").update(Buffer.from(publicKey, "base64url")).digest("base64url").slice(0, 16);
