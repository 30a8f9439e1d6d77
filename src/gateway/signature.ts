import { createPublicKey, verify } from "node:crypto";
import { challengeMessage } from "./protocol.js";

/** True when `signature` is the device's Ed25519 signature over the challenge for `nonce`. */
export function verifyChallenge(publicKey: string, nonce: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey }, format: "jwk" });
    const sig = Buffer.from(signature, "base64url");
    if (sig.length !== 64) return false;
    return verify(null, challengeMessage(nonce), key, sig);
  } catch {
    return false; // not a valid Ed25519 point: same answer as a wrong signature
  }
}
