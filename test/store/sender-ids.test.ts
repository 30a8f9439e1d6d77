import { describe, expect, it } from "vitest";
import { normalizeSenderId } from "../../src/store/sender-ids.js";

/** Each row: how a user or an adapter may write the id, and the one form the store keeps. */
const TRUTH: Record<string, Array<[written: string, kept: string]>> = {
  whatsapp: [
    ["+15555550123", "+15555550123"],
    ["+1 555 555 0123", "+15555550123"],
    ["15555550123", "+15555550123"],
    ["+1-555-555-0123", "+15555550123"],
    ["+1 (555) 555.0123", "+15555550123"],
    ["0015555550123", "+15555550123"],
    ["whatsapp:+15555550123", "+15555550123"],
    ["WhatsApp: +1 555 555 0123", "+15555550123"],
    ["15555550123@s.whatsapp.net", "+15555550123"],
    ["15555550123:7@c.us", "+15555550123"],
    ["120363040000000000@G.US", "120363040000000000@g.us"], // a group stays a group
    ["12345", "12345"], // too short for a phone number: kept as written
    // Pasted forms of one number: full-width, Arabic-Indic digits, typographic dashes, no-break spaces, the trunk (0).
    ["＋１ ５５５ ５５５ ０１２３", "+15555550123"],
    ["٠٠١٥٥٥٥٥٥٠١٢٣", "+15555550123"],
    ["+1\u2013555\u2013555\u20130123", "+15555550123"],
    ["+1\u00a0555\u00a0555\u00a00123", "+15555550123"],
  ],
  signal: [
    ["+49 170 1234567", "+491701234567"],
    ["signal:+491701234567", "+491701234567"],
    ["00491701234567", "+491701234567"],
    ["+49 (0) 170 1234567", "+491701234567"],
    ["+49(0)1701234567", "+491701234567"],
    ["uuid:A1B2C3D4-0000-4000-8000-00000000000A", "a1b2c3d4-0000-4000-8000-00000000000a"],
    ["Ann.01", "ann.01"],
  ],
  sms: [
    ["tel:+44 20 7946 0958", "+442079460958"],
    ["sms:+442079460958", "+442079460958"],
    ["72404", "72404"], // a short code
  ],
  imessage: [
    ["+1 555 555 0123", "+15555550123"],
    ["imessage:15555550123", "+15555550123"],
    ["Ann@iCloud.com", "ann@icloud.com"],
    ["mailto:ann@icloud.com", "ann@icloud.com"],
  ],
  telegram: [
    ["123456789", "123456789"],
    ["tg:123456789", "123456789"],
    ["telegram:123456789", "123456789"],
    ["TG: 123456789", "123456789"],
    ["-100123", "-100123"],
    ["@AnnSmith", "@annsmith"],
  ],
  discord: [
    ["123456789012345678", "123456789012345678"],
    ["<@123456789012345678>", "123456789012345678"],
    ["<@!123456789012345678>", "123456789012345678"],
    ["discord:123456789012345678", "123456789012345678"],
    ["user:123456789012345678", "123456789012345678"],
  ],
  slack: [
    ["U012AB3CD", "U012AB3CD"],
    ["u012ab3cd", "U012AB3CD"],
    ["<@U012AB3CD>", "U012AB3CD"],
    ["<@U012AB3CD|ann>", "U012AB3CD"],
    ["slack:U012AB3CD", "U012AB3CD"],
  ],
  msteams: [
    ["msteams:29:1AbC-Def", "29:1abc-def"],
    ["user:29:1AbC-Def", "29:1abc-def"],
  ],
  matrix: [
    ["  @ann:example.org ", "@ann:example.org"],
    ["+1 555 555 0123", "+1 555 555 0123"], // a channel pairbot does not know: trimmed only
  ],
};

describe("one form of every sender id", () => {
  for (const [channel, rows] of Object.entries(TRUTH)) {
    it.each(rows)(`${channel}: %j is kept as %j`, (written, kept) => {
      expect(normalizeSenderId(channel, written)).toBe(kept);
      expect(normalizeSenderId(channel, kept)).toBe(kept); // the one form is a fixed point
    });
  }
});
