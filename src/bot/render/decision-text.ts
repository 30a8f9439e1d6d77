import type { DeviceRequest, DmRequest, RequestCard } from "../../store/index.js";
import { escapeHtml as esc } from "../telegram-html.js";
import type { Speaker } from "../bot-texts.js";

/** The reply after a decision made by command or dialog: who, where, and what it means now. */
export function decisionText(s: Speaker, card: RequestCard, decision: "approve" | "deny"): string {
  return card.kind === "dm" ? dmDecisionText(s, card.request, decision) : deviceDecisionText(s, card.request, decision);
}

function dmDecisionText(s: Speaker, r: DmRequest, decision: "approve" | "deny"): string {
  const vars = { name: r.name ? esc(r.name) : s.t("name-unknown"), identifier: esc(r.senderId), channel: esc(r.channel) };
  return s.t(decision === "approve" ? "approved-dm" : "denied-dm", vars);
}

function deviceDecisionText(s: Speaker, r: Pick<DeviceRequest, "name" | "platform" | "role">, decision: "approve" | "deny"): string {
  const vars = { name: esc(r.name), platform: esc(r.platform), role: esc(r.role) };
  return s.t(decision === "approve" ? "approved-device" : "rejected-device", vars);
}
