import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { PairbotError } from "../store/errors.js";
import type { ImportPlan, PendingDmImport, SenderImport } from "../store/index.js";
import * as valid from "../store/validate.js";

/**
 * Reads what an OpenClaw install keeps about DM pairing, only reading, never writing. Its formats
 * (openclaw/openclaw, src/pairing/pairing-store.ts):
 * - `credentials/<channel>-allowFrom.json` (default account) and `<channel>-<account>-allowFrom.json`:
 *   `{"version":1,"allowFrom":["id", ...]}`; a bare array of ids is taken too;
 * - `credentials/<channel>-pairing.json`: `{"version":1,"requests":[{id, code, createdAt, lastSeenAt, meta}]}`,
 *   the account in `meta.accountId` (none means the default one); a request lives 1 hour from createdAt.
 */

/** OpenClaw's channel ids, to split `<channel>-<account>` where either holds a "-". */
const OPENCLAW_CHANNELS = [
  "telegram", "whatsapp", "discord", "slack", "signal", "imessage", "msteams", "googlechat", "matrix", "mattermost",
  "nextcloud-talk", "feishu", "line", "irc", "zalo", "zalouser", "bluebubbles", "nostr", "twitch", "synology-chat",
];

export interface OpenClawSource {
  /** The file, relative to the credentials folder. */
  file: string;
  /** Where each entry stood in the file (1-based), for messages. */
  items: number[];
}

export interface OpenClawInstall {
  credentials: string;
  plan: ImportPlan;
  /** `sources.allowlists[i]` is where `plan.allowlists[i]` came from; the same for pending. */
  sources: { allowlists: OpenClawSource[]; pending: OpenClawSource[] };
  /** Entries left out before the store saw them (OpenClaw's "*" wildcard). */
  dropped: { file: string; item: number; id: string; reason: string }[];
  /** Files that look like OpenClaw's but could not be read. */
  skippedFiles: { file: string; reason: string }[];
}

export function readOpenClawDir(dir: string): OpenClawInstall {
  const credentials = path.join(dir, "credentials");
  let names: string[];
  try {
    if (!statSync(credentials).isDirectory()) throw new Error("not a folder");
    names = readdirSync(credentials).sort();
  } catch {
    throw new PairbotError("not_found", `No OpenClaw credentials folder at ${credentials}; name the OpenClaw folder: pairbot import openclaw DIR.`);
  }
  const install: OpenClawInstall = { credentials, plan: { allowlists: [], pending: [] }, sources: { allowlists: [], pending: [] }, dropped: [], skippedFiles: [] };
  const known = new Set([...OPENCLAW_CHANNELS, ...names.filter((n) => n.endsWith("-pairing.json")).map((n) => n.slice(0, -"-pairing.json".length))]);

  for (const file of names) {
    const skip = (reason: string) => install.skippedFiles.push({ file, reason });
    if (file.endsWith("-allowFrom.json")) {
      const [channel, account] = splitStem(file.slice(0, -"-allowFrom.json".length), known);
      const named = checkNames(channel, account);
      if (named) {
        skip(named);
        continue;
      }
      const list = readJson(credentials, file, skip, (v) => (Array.isArray(v) ? v : isObject(v) && Array.isArray(v["allowFrom"]) ? v["allowFrom"] : undefined), '{"version":1,"allowFrom":[...]}');
      if (!list) continue;
      const entries: SenderImport[] = [];
      const items: number[] = [];
      list.forEach((raw, i) => {
        const id = typeof raw === "string" || typeof raw === "number" ? normaliseSenderId(channel, String(raw)) : raw;
        if (id === "*") {
          install.dropped.push({ file, item: i + 1, id, reason: 'the wildcard "*" is not a sender (for "anyone", use the gateway\'s open DM policy)' });
          return;
        }
        entries.push({ id });
        items.push(i + 1);
      });
      install.plan.allowlists.push({ channel, account, entries });
      install.sources.allowlists.push({ file, items });
    } else if (file.endsWith("-pairing.json")) {
      const channel = file.slice(0, -"-pairing.json".length);
      const named = checkNames(channel, "default");
      if (named) {
        skip(named);
        continue;
      }
      const requests = readJson(credentials, file, skip, (v) => (isObject(v) && Array.isArray(v["requests"]) ? v["requests"] : undefined), '{"version":1,"requests":[...]}');
      if (!requests) continue;
      const byAccount = new Map<string, { requests: PendingDmImport[]; items: number[] }>();
      requests.forEach((raw, i) => {
        const r = isObject(raw) ? raw : {};
        const meta = isObject(r["meta"]) ? r["meta"] : {};
        const account = (typeof meta["accountId"] === "string" ? meta["accountId"].trim().toLowerCase() : "") || "default";
        const group = byAccount.get(account) ?? { requests: [], items: [] };
        byAccount.set(account, group);
        const { accountId: _, ...notes } = meta;
        group.requests.push({
          senderId: typeof r["id"] === "string" || typeof r["id"] === "number" ? normaliseSenderId(channel, String(r["id"])) : r["id"],
          code: r["code"],
          createdAt: r["createdAt"],
          lastSeenAt: r["lastSeenAt"],
          name: nameFrom(notes),
          ...(Object.keys(notes).length > 0 ? { meta: notes } : {}),
        });
        group.items.push(i + 1);
      });
      for (const [account, group] of byAccount) {
        const named = checkNames(channel, account);
        if (named) {
          skip(`${group.requests.length} request(s) of account "${account}": ${named}`);
          continue;
        }
        install.plan.pending.push({ channel, account, requests: group.requests });
        install.sources.pending.push({ file, items: group.items });
      }
    }
  }
  return install;
}

/** `whatsapp` -> [whatsapp, default]; `whatsapp-work` -> [whatsapp, work]; a known channel with a "-" wins. */
function splitStem(stem: string, known: ReadonlySet<string>): [string, string] {
  if (known.has(stem)) return [stem, "default"];
  const channel = [...known].filter((c) => stem.startsWith(`${c}-`)).sort((a, b) => b.length - a.length)[0];
  if (channel) return [channel, stem.slice(channel.length + 1)];
  const dash = stem.indexOf("-");
  return dash < 0 ? [stem, "default"] : [stem.slice(0, dash), stem.slice(dash + 1)];
}

/** Why a channel or account name cannot be kept in the store, or undefined when it can. */
function checkNames(channel: string, account: string): string | undefined {
  try {
    valid.channelName(channel);
    valid.accountName(account);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function readJson(dir: string, file: string, skip: (reason: string) => void, pick: (value: unknown) => unknown[] | undefined, expected: string): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  } catch (e) {
    skip(`it is not readable JSON (${(e as Error).message})`);
    return undefined;
  }
  const list = pick(value);
  if (!list) skip(`expected ${expected}`);
  return list;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function nameFrom(meta: Record<string, unknown>): string | undefined {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const full = [text(meta["firstName"]), text(meta["lastName"])].filter(Boolean).join(" ");
  return text(meta["name"]) ?? text(full) ?? text(meta["username"]);
}

/**
 * Sender ids as OpenClaw compares them: its channel adapters strip a channel prefix (telegram:, tg:,
 * signal:, ...) and WhatsApp keeps E.164 numbers. Done here so an entry written as "tg:123" matches the
 * "123" a gateway reports.
 */
export function normaliseSenderId(channel: string, raw: string): string {
  const id = raw.trim();
  switch (channel) {
    case "telegram":
      return id.replace(/^(telegram|tg):/i, "");
    case "whatsapp": {
      const bare = id.replace(/^whatsapp:/i, "");
      const jid = /^(\d+)(?::\d+)?@(s\.whatsapp\.net|c\.us)$/i.exec(bare);
      if (jid) return `+${jid[1]}`;
      if (/^\+?[\d\s().-]+$/.test(bare) && /\d/.test(bare)) return `+${bare.replace(/\D/g, "")}`;
      return bare;
    }
    case "signal":
      return id.replace(/^signal:/i, "");
    case "discord":
      return id.replace(/^(discord|user):/i, "").replace(/^<@!?(\d+)>$/, "$1");
    case "slack":
      return id.replace(/^(slack|user):/i, "");
    case "msteams":
      return id.replace(/^(msteams|user):/i, "");
    default:
      return id;
  }
}
