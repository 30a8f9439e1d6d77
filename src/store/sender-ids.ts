/**
 * One form of every sender id, per channel, so "+1 555 555 0123", "15555550123" and
 * "whatsapp:+15555550123" are one sender. Applied wherever an id enters the store (docs/store.md,
 * "Sender ids"). Ids a channel's rules do not recognise are kept as written (trimmed).
 */

/** Channels whose senders are phone numbers (iMessage: when the id is one). */
const PHONE_CHANNELS = new Set(["whatsapp", "signal", "sms", "imessage"]);

/** Prefixes adapters put before an id ("whatsapp:+49…", "tg:123"), by channel; matched case-insensitively. */
const PREFIXES: Record<string, readonly string[]> = {
  whatsapp: ["whatsapp:", "wa:", "tel:"],
  signal: ["signal:", "tel:"],
  sms: ["sms:", "tel:"],
  imessage: ["imessage:", "tel:", "mailto:"],
  telegram: ["telegram:", "tg:"],
  discord: ["discord:", "user:"],
  slack: ["slack:", "user:"],
  msteams: ["msteams:", "teams:", "user:"],
};

function stripPrefixes(channel: string, id: string): string {
  let rest = id;
  for (let again = true; again; ) {
    again = false;
    for (const prefix of PREFIXES[channel] ?? []) {
      if (rest.toLowerCase().startsWith(prefix)) {
        rest = rest.slice(prefix.length).trim();
        again = true;
      }
    }
  }
  return rest;
}

/** A phone number as people write it: digits with spaces, dashes, dots or parentheses, maybe "+" or "00" first. */
const WRITTEN_PHONE = /^(\+|00)?[\d\s().-]+$/;

/**
 * A pasted number in plain ASCII: full-width "＋４９", other scripts' digits ("٤٩"), typographic dashes and
 * no-break spaces become "+49", "-" and " ", and the trunk "0" written "+49 (0) 170" goes, as it is never
 * dialled from abroad. Otherwise a number the owner blocked comes back as a new sender when written so.
 */
function asciiPhone(id: string): string {
  const plain = id
    .normalize("NFKC")
    .replace(/\p{Nd}/gu, (d) => String(digitValue(d)))
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, "-");
  return plain.replace(/^(\+\s*\d{1,3})\s*\(0\)/, "$1 ");
}

/** The value of one Unicode decimal digit: each script's digits are ten in a row, zero first. */
function digitValue(d: string): number {
  let zero = d.codePointAt(0)!;
  while (zero > 0 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
  return (d.codePointAt(0)! - zero) % 10;
}

/** E.164 ("+" and 7 to 15 digits) for what reads as a phone number, else undefined. */
function e164(written: string): string | undefined {
  const id = asciiPhone(written);
  if (!WRITTEN_PHONE.test(id)) return undefined;
  const digits = id.replace(/\D/g, "");
  const international = id.startsWith("00") ? digits.slice(2) : digits;
  return international.length >= 7 && international.length <= 15 ? `+${international}` : undefined;
}

/** WhatsApp addresses: "491701234567@s.whatsapp.net" and "491701234567:12@c.us" are the number (a group's JID stays). */
function whatsappNumber(id: string): string {
  const jid = /^(\d+)(?::\d+)?@(s\.whatsapp\.net|c\.us)$/i.exec(id);
  return jid ? jid[1]! : id;
}

function byChannel(channel: string, id: string): string {
  if (PHONE_CHANNELS.has(channel)) {
    const number = e164(channel === "whatsapp" ? whatsappNumber(id) : id);
    if (number) return number;
    if (channel === "signal") return id.replace(/^uuid:/i, "").toLowerCase(); // an account UUID
    if (channel === "imessage" && id.includes("@")) return id.toLowerCase(); // an Apple ID email
    return channel === "whatsapp" ? id.toLowerCase() : id;
  }
  switch (channel) {
    case "telegram":
      // A numeric user or chat id stays; a username is case-insensitive.
      return /^-?\d+$/.test(id) ? id : id.toLowerCase();
    case "discord": {
      const mention = /^<@!?(\d+)>$/.exec(id);
      return mention ? mention[1]! : id;
    }
    case "slack": {
      const mention = /^<@([A-Za-z0-9]+)(\|[^>]*)?>$/.exec(id);
      return (mention ? mention[1]! : id).toUpperCase();
    }
    case "msteams":
      return id.toLowerCase(); // Entra object ids are GUIDs, any case
    default:
      return id;
  }
}

/** The one form of a sender id on a channel; the id has been cleaned (trimmed, no control characters). */
export function normalizeSenderId(channel: string, id: string): string {
  const normal = byChannel(channel, stripPrefixes(channel, id.trim()));
  return normal.length > 0 ? normal : id.trim();
}
