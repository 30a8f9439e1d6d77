import type { AuditEntry, DeviceRequest, DmRequest, NotifiedRequest, PairedDevice, RequestCard } from "../../store/index.js";
import type { Speaker } from "../bot-texts.js";
import { escapeHtml as esc } from "../telegram-html.js";

/**
 * A request as a message about it knows it: the full card while the bot saw it pending, else (it ended while
 * the bot was down) what its alert's record kept (`about`), or, in records from before, only its kind and id.
 */
export type ShownRequest = RequestCard | { kind: "dm" | "device"; id: string; request?: undefined; about?: NotifiedRequest | undefined };

/** Other owners by name, as the bot has seen them ("Max"); "owner 4203" until then. */
export type OwnerNames = ReadonlyMap<number, string>;

/** The channel as the owner reads it: the account only when it is not the default one. */
const channelLabel = (r: { channel: string; account: string }) => esc(r.account === "default" ? r.channel : `${r.channel} (${r.account})`);

const nameOf = (s: Speaker, name: string | undefined) => (name ? esc(name) : s.t("name-unknown"));

const scopesOf = (s: Speaker, scopes: readonly string[]) => (scopes.length ? esc(scopes.join(", ")) : s.t("scopes-none"));

/** Placeholders of a DM request, escaped: the same names the .ftl texts and TEMPLATES_FILE use. */
function dmVars(s: Speaker, r: DmRequest) {
  return {
    channel: channelLabel(r),
    identifier: esc(r.senderId),
    name: nameOf(s, r.name),
    code: esc(r.code),
    expiresIn: s.relative(r.expiresAt),
    age: s.relative(r.createdAt),
  };
}

function deviceVars(s: Speaker, r: DeviceRequest) {
  return {
    name: esc(r.name),
    platform: esc(r.platform),
    role: esc(r.role),
    scopes: scopesOf(s, r.scopes),
    address: esc(r.remoteAddress),
    requestId: esc(r.requestId),
    identifier: esc(r.deviceId),
    expiresIn: s.relative(r.expiresAt),
    age: s.relative(r.createdAt),
  };
}

const varsOf = (s: Speaker, card: RequestCard) => (card.kind === "dm" ? dmVars(s, card.request) : deviceVars(s, card.request));

/** The full card of a pending request, as an alert and /pair pending show it. */
export const renderCard = (s: Speaker, card: RequestCard): string =>
  s.t(`card-${card.kind}`, varsOf(s, card)) + (card.kind === "dm" ? heldMessages(s, card.request) : "");

/** What the sender wrote, escaped, so the owner has something to judge by. */
function heldMessages(s: Speaker, r: DmRequest): string {
  const lines = [
    ...(r.message ? [s.t("card-dm-message", { message: esc(r.message) })] : []),
    ...(r.lastMessage ? [s.t("card-dm-last-message", { message: esc(r.lastMessage) })] : []),
  ];
  return lines.map((line) => `\n${line}`).join("");
}

/** One line for a choice button, a confirmation, or a digest. */
export const renderSummary = (s: Speaker, card: RequestCard): string => s.t(`summary-${card.kind}`, varsOf(s, card));

/** The reply after a decision made by command or dialog: who, where, and what it means now. */
export function decisionText(s: Speaker, card: RequestCard, decision: "approve" | "deny"): string {
  if (card.kind === "dm") {
    const r = card.request;
    return s.t(decision === "approve" ? "approved-dm" : "denied-dm", { name: nameOf(s, r.name), identifier: esc(r.senderId), channel: esc(r.channel) });
  }
  const r = card.request;
  return s.t(decision === "approve" ? "approved-device" : "rejected-device", { name: esc(r.name), platform: esc(r.platform), role: esc(r.role) });
}

/**
 * What the owner needs to recognise a request that ended: its card without the code, expiry and buttons
 * (from the alert's record after a restart), or, for a record from before, what the audit's subject tells.
 */
export function renderEnded(s: Speaker, shown: ShownRequest, outcome: AuditEntry | undefined): string {
  if (shown.request) return s.t(`ended-${shown.kind}`, varsOf(s, shown));
  const about = shown.about;
  if (about && "channel" in about) return s.t("ended-dm", { channel: channelLabel(about), identifier: esc(about.senderId), name: nameOf(s, about.name) });
  if (about) return s.t("ended-device", { name: esc(about.name), platform: esc(about.platform), role: esc(about.role), address: esc(about.remoteAddress) });
  const subject = outcome?.subject ?? "";
  const dm = shown.kind === "dm" ? /^([^/]+)\/([^/]+)\/(.+)$/.exec(subject) : null;
  if (dm) return s.t("ended-dm-short", { channel: channelLabel({ channel: dm[1]!, account: dm[2]! }), identifier: esc(dm[3]!) });
  const device = /^device (\S+) \((.*?)\)/.exec(subject);
  if (device) return s.t("ended-device-short", { name: esc(device[2]!), identifier: esc(device[1]!) });
  return s.t("ended-unknown", { id: esc(shown.id) });
}

/** Who did it, as the owner reads it: "you", another owner by name, "the command line (ann)". */
export function actorLabel(s: Speaker, actor: string, ownerId: number, names: OwnerNames): string {
  const telegram = /^telegram:(\d+)$/.exec(actor);
  if (telegram) {
    const id = Number(telegram[1]);
    if (id === ownerId) return s.t("actor-you");
    const name = names.get(id);
    return name ? s.t("actor-owner-named", { name: esc(name) }) : s.t("actor-owner", { id: telegram[1]! });
  }
  if (actor === "cli") return s.t("actor-cli");
  const cliUser = /^cli:(.+)$/.exec(actor);
  if (cliUser) return s.t("actor-cli-user", { user: esc(cliUser[1]!) });
  if (actor === "gateway") return s.t("actor-gateway");
  return esc(actor);
}

const OUTCOMES = new Set(["approve", "allow", "deny", "block", "reject", "cleanup", "expire", "supersede"]);

/** "✅ Approved by you at 13:05 GMT+1": how a request ended, by whom, when, in the owner's zone. */
export function renderOutcomeLine(s: Speaker, outcome: AuditEntry | undefined, ownerId: number, names: OwnerNames): string {
  if (!outcome || !OUTCOMES.has(outcome.action)) return s.t("outcome-unknown");
  return s.t(`outcome-${outcome.action}`, { actor: actorLabel(s, outcome.actor, ownerId, names), time: s.clockTime(outcome.at) });
}

export function renderDevice(s: Speaker, d: Omit<PairedDevice, "tokenHash">, ownerId: number, names: OwnerNames): string {
  return s.t("device-row", {
    name: esc(d.name),
    platform: esc(d.platform),
    role: esc(d.role),
    scopes: scopesOf(s, d.scopes),
    deviceId: esc(d.deviceId),
    age: s.relative(d.approvedAt),
    actor: actorLabel(s, d.approvedBy, ownerId, names),
  });
}
