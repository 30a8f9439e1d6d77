import type { InlineKeyboardMarkup } from "grammy/types";
import type { AutoApprovalAlert } from "../../store/index.js";
import type { Speaker } from "../bot-texts.js";
import { encodeButton } from "../callback-data.js";
import { escapeHtml as esc } from "../telegram-html.js";

/** The alert that a device was approved without asking (device.autoApproveCidrs), with [Revoke]. */
export function renderAutoApproval(s: Speaker, alert: AutoApprovalAlert): { text: string; reply_markup: InlineKeyboardMarkup } {
  const d = alert.device;
  const text = s.t("card-auto-approved", {
    name: esc(d.name),
    platform: esc(d.platform),
    role: esc(d.role),
    address: esc(d.remoteAddress ?? "?"),
    cidr: esc(alert.cidr),
    deviceId: esc(d.deviceId),
  });
  return { text, reply_markup: { inline_keyboard: [[{ text: s.t("button-revoke"), callback_data: encodeButton({ kind: "revoke-device", id: d.deviceId }) }]] } };
}
