import type { AuditEntry, DeviceRequest, DmRequest, PairedDevice } from "../../store/index.js";
import type { RequestCard } from "../notifier/texts.js";
import type { Speaker } from "../texts.js";
import { escapeHtml as esc } from "./html.js";

/** The channel as the owner reads it: the account only when it is not the default one. */
const channelLabel = (r: { channel: string; account: string }) => esc(r.account === "default" ? r.channel : `${r.channel} (${r.account})`);

const nameOf = (s: Speaker, name: string | undefined) => (name ? esc(name) : s.t("name-unknown"));

const scopesOf = (s: Speaker, scopes: readonly string[]) => (scopes.length ? esc(scopes.join(", ")) : s.t("scopes-none"));

/** Placeholders of a DM request, escaped: the same names the templates file uses. */
export function dmVars(s: Speaker, r: DmRequest) {
  return {
    channel: channelLabel(r),
    identifier: esc(r.senderId),
    name: nameOf(s, r.name),
    code: esc(r.code),
    expiresIn: s.relative(r.expiresAt),
    age: s.relative(r.createdAt),
  };
}

export function deviceVars(s: Speaker, r: DeviceRequest) {
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

export function renderCard(s: Speaker, card: RequestCard): string {
  return card.kind === "dm" ? s.t("card-dm", dmVars(s, card.request)) + heldMessages(s, card.request) : s.t("card-device", deviceVars(s, card.request));
}

/** What the sender wrote, escaped, so the owner has something to judge by. */
function heldMessages(s: Speaker, r: DmRequest): string {
  const lines = [
    ...(r.message ? [s.t("card-dm-message", { message: esc(r.message) })] : []),
    ...(r.lastMessage ? [s.t("card-dm-last-message", { message: esc(r.lastMessage) })] : []),
  ];
  return lines.map((line) => `\n${line}`).join("");
}

/** One line for a choice button or a confirmation. */
export function renderSummary(s: Speaker, card: RequestCard): string {
  return card.kind === "dm" ? s.t("summary-dm", dmVars(s, card.request)) : s.t("summary-device", deviceVars(s, card.request));
}

/** Who did it, as the owner reads it: "you", "owner 123", "the command line". */
export function actorLabel(s: Speaker, actor: string, ownerId: number): string {
  const telegram = /^telegram:(\d+)$/.exec(actor);
  if (telegram) return Number(telegram[1]) === ownerId ? s.t("actor-you") : s.t("actor-owner", { id: telegram[1]! });
  if (actor === "cli") return s.t("actor-cli");
  const cliUser = /^cli:(.+)$/.exec(actor);
  if (cliUser) return s.t("actor-cli-user", { user: esc(cliUser[1]!) });
  if (actor === "gateway") return s.t("actor-gateway");
  return esc(actor);
}

const OUTCOMES = new Set(["approve", "allow", "deny", "reject", "expire", "supersede"]);

export function renderOutcomeLine(s: Speaker, outcome: AuditEntry | undefined, ownerId: number): string {
  if (!outcome || !OUTCOMES.has(outcome.action)) return s.t("outcome-unknown");
  return s.t(`outcome-${outcome.action}`, { actor: actorLabel(s, outcome.actor, ownerId), time: s.clockTime(outcome.at) });
}

export function renderDevice(s: Speaker, d: PairedDevice, ownerId: number): string {
  return s.t("device-row", {
    name: esc(d.name),
    platform: esc(d.platform),
    role: esc(d.role),
    scopes: scopesOf(s, d.scopes),
    deviceId: esc(d.deviceId),
    age: s.relative(d.approvedAt),
    actor: actorLabel(s, d.approvedBy, ownerId),
  });
}
